import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { openEngine } from '../src/index.js';
import { EXAMPLE_POLICY, tempDirsRemovedAfterAll } from './helpers.js';

const tempDir = tempDirsRemovedAfterAll();

function policyFile(dir: string, search?: string, replacement?: string): string {
  const text = fs.readFileSync(EXAMPLE_POLICY, 'utf8');
  if (search !== undefined && !text.includes(search)) throw new Error(`policy text lacks ${search}`);
  const file = path.join(dir, 'policy.yaml');
  fs.writeFileSync(file, search === undefined ? text : text.replace(search, replacement!));
  return file;
}

/** A demo database with a pending period close requested by human:alice; returns db and escalation id. */
function closeRequested(policy: string): { db: string; escalationId: number } {
  const db = path.join(tempDir(), 'recon.db');
  const e = openEngine({ dbPath: db, policyPath: policy });
  try {
    e.seedDemo();
    const req = e.operations.closePeriod({
      actor: 'human:alice',
      idempotencyKey: 'close-req',
      entity: 'US01',
      period: '2026-03',
    });
    return { db, escalationId: req.escalationId! };
  } finally {
    e.close();
  }
}

async function approve(
  db: string,
  policy: string,
  escalationId: number,
  actor: string,
  osUser: string,
  host = 'ws-1',
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
    env: { CLOSEGATE_ACTOR_ID: actor, CLOSEGATE_POLICY: '' },
    stderrIsTty: false,
    cwd: process.cwd(),
    osIdentity: () => ({ osUser, host }),
  };
  const code = await main(
    ['escalations', 'approve', String(escalationId), '--db', db, '--policy', policy, '--json'],
    io,
  );
  return { code, out, err };
}

function auditOf(db: string, policy: string) {
  const e = openEngine({ dbPath: db, policyPath: policy, sweepOnOpen: false });
  try {
    return {
      events: e.queries.auditQuery({ limit: 1000 }),
      state: e.context.store.periods.get('US01', '2026-03').state,
      verified: e.queries.verifyAudit().ok,
    };
  } finally {
    e.close();
  }
}

describe('CLI human identity: OS user and host next to the actor', () => {
  it('records the OS user and host of a CLI decision in its audit event', async () => {
    const policy = policyFile(tempDir());
    const { db, escalationId } = closeRequested(policy);
    const r = await approve(db, policy, escalationId, 'human:bob', 'bob', 'desk-7');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ status: 'vote_recorded' });
    const vote = auditOf(db, policy).events.find((ev) => ev.type === 'ESCALATION_VOTE_RECORDED')!;
    expect(vote.actor).toBe('human:bob');
    expect(vote.payload.origin).toEqual({ osUser: 'bob', host: 'desk-7' });
  });
});

describe('T3 dual approval refuses two votes from one OS account', () => {
  it('a second human typed at the same OS account is denied; a second account closes the period', async () => {
    const policy = policyFile(tempDir());
    const { db, escalationId } = closeRequested(policy);
    expect((await approve(db, policy, escalationId, 'human:bob', 'pat')).code).toBe(0);
    const same = await approve(db, policy, escalationId, 'human:carol', 'PAT', 'another-host');
    expect(same.code).toBe(4);
    expect(JSON.parse(same.out)).toMatchObject({
      status: 'denied',
      decision: { code: 'T3_SHARED_WORKSTATION' },
    });
    let audit = auditOf(db, policy);
    expect(audit.state).toBe('closing');
    const violation = audit.events.find((ev) => ev.type === 'POLICY_VIOLATION')!;
    expect(violation).toMatchObject({ actor: 'human:carol', payload: { origin: { osUser: 'PAT' } } });
    const other = await approve(db, policy, escalationId, 'human:carol', 'carol');
    expect(JSON.parse(other.out)).toMatchObject({ status: 'closed' });
    audit = auditOf(db, policy);
    expect(audit.state).toBe('closed');
    expect(audit.verified).toBe(true);
  });

  it('allow_shared_workstation: true (explicit policy choice) accepts one OS account for two humans', async () => {
    const policy = policyFile(tempDir(), 'allow_shared_workstation: false', 'allow_shared_workstation: true');
    const { db, escalationId } = closeRequested(policy);
    expect((await approve(db, policy, escalationId, 'human:bob', 'kiosk')).code).toBe(0);
    const second = await approve(db, policy, escalationId, 'human:carol', 'kiosk');
    expect(JSON.parse(second.out)).toMatchObject({ status: 'closed' });
  });
});

describe('cli_identity: CLOSEGATE_ACTOR_ID must match the OS user mapping', () => {
  const mapped = (dir: string) =>
    policyFile(
      dir,
      "  require_os_user_match: false\n  # OS login name -> human actor, e.g.  alice: 'human:alice@example.com'\n  os_users: {}",
      "  require_os_user_match: true\n  os_users:\n    bob: 'human:bob'\n    carol: 'human:carol'",
    );

  it('refuses an actor id the OS user is not mapped to, before anything is written', async () => {
    const policy = mapped(tempDir());
    const { db, escalationId } = closeRequested(policy);
    const before = auditOf(db, policy).events.length;
    const spoof = await approve(db, policy, escalationId, 'human:carol', 'bob');
    expect(spoof.code).toBe(2);
    expect(spoof.err).toMatch(/cli_identity: OS user bob may act only as human:bob/);
    const unknown = await approve(db, policy, escalationId, 'human:bob', 'mallory');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/not listed/);
    expect(auditOf(db, policy).events.length).toBe(before);
    expect((await approve(db, policy, escalationId, 'human:bob', 'bob')).code).toBe(0);
  });
});
