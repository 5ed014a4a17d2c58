import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { openEngine, type Engine } from '../src/index.js';
import { escalationContext } from '../src/queries/desk-escalation.js';
import { closeMarch, EXAMPLE_POLICY, fixedClock, key, LATE_CSV, tempDirsRemovedAfterAll } from './helpers.js';

/**
 * The votes an escalation's view says it needs come from the active policy, the
 * source the gate counts against: with required_approvals: 3 the view says 3
 * and the gate indeed closes (or posts) at the third distinct human, not before.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tempDir = tempDirsRemovedAfterAll();

/** The example policy asking for three distinct approvers, written next to a demo book. */
function threeApprovalBook(): { db: string; policy: string } {
  const dir = tempDir();
  const policy = path.join(dir, 'policy-3.yaml');
  const text = fs.readFileSync(EXAMPLE_POLICY, 'utf8');
  expect(text).toContain('required_approvals: 2');
  fs.writeFileSync(policy, text.replace('required_approvals: 2', 'required_approvals: 3'));
  const db = path.join(dir, 'recon.db');
  const e = openEngine({ dbPath: db, policyPath: policy, now: fixedClock() });
  try {
    e.seedDemo();
    e.runReconPass();
  } finally {
    e.close();
  }
  return { db, policy };
}

function approve(e: Engine, escalationId: number, actor: string) {
  return e.operations.resolveEscalation({
    actor,
    idempotencyKey: key('votes'),
    escalationId,
    decision: 'approve',
    rationale: 'tied out against the sub-ledger',
  });
}

const votesRequired = (e: Engine, id: number): number =>
  escalationContext(e.queries, e.context.store.db, id, e.context.policy).votesRequired;

/** Approves with distinct humans until the gate lets the action through; returns how many it took. */
function approvalsUntilDone(e: Engine, id: number, done: string): number {
  for (let n = 1; n <= 10; n++) {
    const r = approve(e, id, `human:approver${n}`);
    if (r.status === done) return n;
    expect(r).toMatchObject({ status: 'vote_recorded', decision: { code: 'T3_DUAL_APPROVAL_REQUIRED' } });
  }
  throw new Error(`escalation ${id} was still open after 10 approvals`);
}

/** The CLI in process: captured stdout/stderr and exit code. */
async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => (stdout += `${t}\n`),
    err: (t) => (stderr += `${t}\n`),
    env: { CLOSEGATE_POLICY: '' },
    stderrIsTty: false,
    cwd: ROOT,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('votes required follow the policy the gate uses (required_approvals: 3)', () => {
  it('a period close: the view says 3 and the gate closes at the third distinct human', () => {
    const { db, policy } = threeApprovalBook();
    const e = openEngine({ dbPath: db, policyPath: policy, now: fixedClock() });
    try {
      const req = e.operations.closePeriod({
        actor: 'human:alice',
        idempotencyKey: key('close'),
        entity: 'IN01',
        period: '2026-03',
      });
      expect(req).toMatchObject({ status: 'close_requested' });
      const id = req.escalationId!;
      expect(votesRequired(e, id)).toBe(3);
      expect(approvalsUntilDone(e, id, 'closed')).toBe(votesRequired(e, id));
    } finally {
      e.close();
    }
  });

  it('a held import (posting into a closed period): 3 in the view, posted at the third human', () => {
    const { db, policy } = threeApprovalBook();
    const e = openEngine({ dbPath: db, policyPath: policy, now: fixedClock() });
    try {
      closeMarch(e);
      const held = e.operations.importCsv({ actor: 'human:alice', csv: LATE_CSV });
      expect(held).toMatchObject({ status: 'escalated' });
      const id = held.escalationId!;
      expect(votesRequired(e, id)).toBe(3);
      // the rationale the escalation and its audit event carry names the same count
      expect(e.queries.escalation(id).requestRationale).toContain('3 distinct humans');
      expect(approvalsUntilDone(e, id, 'imported')).toBe(votesRequired(e, id));
    } finally {
      e.close();
    }
  });

  it('a match escalation stays one human whatever the T3 count', () => {
    const { db, policy } = threeApprovalBook();
    const e = openEngine({ dbPath: db, policyPath: policy, now: fixedClock() });
    try {
      const id = e.context.store.db
        .prepare(
          "SELECT id FROM escalations WHERE subject_kind = 'match' AND state = 'open' ORDER BY id LIMIT 1",
        )
        .pluck()
        .get() as number;
      expect(votesRequired(e, id)).toBe(1);
      expect(approve(e, id, 'human:approver1')).toMatchObject({ status: 'confirmed' });
    } finally {
      e.close();
    }
  });

  it('`escalations show` prints and returns the policy count', async () => {
    const { db, policy } = threeApprovalBook();
    const e = openEngine({ dbPath: db, policyPath: policy, now: fixedClock() });
    let id: number;
    try {
      id = e.operations.closePeriod({
        actor: 'human:alice',
        idempotencyKey: key('close'),
        entity: 'IN01',
        period: '2026-03',
      }).escalationId!;
    } finally {
      e.close();
    }
    const text = await run(['escalations', 'show', String(id), '--db', db, '--policy', policy]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/votes: 0 of 3 needed/);
    const json = await run(['escalations', 'show', String(id), '--db', db, '--policy', policy, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ votesRequired: 3 });
  });
});
