import path from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { openEngine, type Engine } from '../src/index.js';
import { closeMcpDeps, openMcpDeps, serveCloseGateStdio } from '../src/mcp/index.js';
import { originOf } from '../src/mcp/origin.js';
import { cannotDecideReason, escalationContext } from '../src/queries/desk-escalation.js';
import { parseActor } from 'closegate-policy';
import { call, quietLogger } from './mcp/helpers.js';
import {
  closeMarch,
  EXAMPLE_POLICY as POLICY,
  fixedClock,
  key,
  LATE_CSV,
  tempDirsRemovedAfterAll,
} from './helpers.js';

/**
 * A held import (posting into a closed period, T3) is approved by two distinct
 * humans; like a period close, two human ids voting from one OS account are
 * refused (T3_SHARED_WORKSTATION), whichever way the votes arrive: the engine
 * API with an origin, the CLI, or an MCP server over stdio.
 */

const tempDir = tempDirsRemovedAfterAll();

/** Demo books with US01 2026-03 closed and a file posting into it held by human:alice. */
function heldImport(e: Engine): number {
  closeMarch(e);
  const held = e.operations.importCsv({ actor: 'human:alice', csv: LATE_CSV });
  expect(held).toMatchObject({ status: 'escalated', decision: { code: 'T3_DUAL_APPROVAL_REQUIRED' } });
  return held.escalationId!;
}

function seededDb(): string {
  const db = path.join(tempDir(), 'recon.db');
  const e = openEngine({ dbPath: db, policyPath: POLICY, now: fixedClock() });
  try {
    e.seedDemo();
  } finally {
    e.close();
  }
  return db;
}

const lateEntries = (e: Engine) =>
  e.context.store.db.prepare("SELECT COUNT(*) FROM entries WHERE reference = 'LATE-1'").pluck().get();
const voteOrigins = (e: Engine, escalationId: number) =>
  e.context.store.db
    .prepare('SELECT actor, os_user, host FROM approval_votes WHERE escalation_id = ? ORDER BY rowid')
    .all(escalationId);

describe('held import: T3 votes carry their OS account to the gate (engine API)', () => {
  function vote(e: Engine, escalationId: number, actor: string, osUser?: string) {
    return e.operations.resolveEscalation({
      actor,
      idempotencyKey: key('held'),
      escalationId,
      decision: 'approve',
      rationale: 'late accrual agreed with the controller',
      ...(osUser === undefined ? {} : { origin: { osUser, host: 'ws-1' } }),
    });
  }

  it('two human ids from one OS account are refused; the file stays held, nothing posted', () => {
    const e = openEngine({ dbPath: seededDb(), policyPath: POLICY, now: fixedClock() });
    try {
      const id = heldImport(e);
      expect(vote(e, id, 'human:bob', 'pat')).toMatchObject({ status: 'vote_recorded' });
      const same = vote(e, id, 'human:carol', 'PAT');
      expect(same).toMatchObject({ status: 'denied', decision: { code: 'T3_SHARED_WORKSTATION' } });
      expect(lateEntries(e)).toBe(0);
      expect(e.queries.escalation(id).state).toBe('open');
      // the recorded vote keeps its origin, so a later vote is compared with it too
      expect(voteOrigins(e, id)).toEqual([{ actor: 'human:bob', os_user: 'pat', host: 'ws-1' }]);
      const violation = e.queries.auditQuery({ type: 'POLICY_VIOLATION', limit: 1000 }).at(-1)!;
      expect(violation).toMatchObject({ actor: 'human:carol', payload: { origin: { osUser: 'PAT' } } });

      expect(vote(e, id, 'human:carol', 'carol')).toMatchObject({ status: 'imported', imported: 1 });
      expect(lateEntries(e)).toBe(1);
      expect(voteOrigins(e, id)).toEqual([
        { actor: 'human:bob', os_user: 'pat', host: 'ws-1' },
        { actor: 'human:carol', os_user: 'carol', host: 'ws-1' },
      ]);
      expect(e.queries.verifyAudit().ok).toBe(true);
    } finally {
      e.close();
    }
  });

  it('the detail view asks for two votes and tells the requester it may not vote', () => {
    const e = openEngine({ dbPath: seededDb(), policyPath: POLICY, now: fixedClock() });
    try {
      const id = heldImport(e);
      const ctx = escalationContext(e.queries, e.context.store.db, id, e.context.policy);
      expect(ctx.votesRequired).toBe(2);
      expect(cannotDecideReason(ctx.escalation, ctx.proposer, parseActor('human:alice'))).toBe('requester');
      expect(cannotDecideReason(ctx.escalation, ctx.proposer, parseActor('human:bob'))).toBeNull();
      // the view compares ids as the gate does: another spelling of the requester is the requester
      expect(cannotDecideReason(ctx.escalation, ctx.proposer, parseActor('human:ALICE'))).toBe('requester');
      const bobVote = { actor: 'human:bob' } as (typeof ctx.escalation.votes)[number];
      const voted = { ...ctx.escalation, votes: [bobVote] };
      expect(cannotDecideReason(voted, ctx.proposer, parseActor('human:Bob'))).toBe('already_voted');
    } finally {
      e.close();
    }
  });

  it('a reject records its origin too', () => {
    const e = openEngine({ dbPath: seededDb(), policyPath: POLICY, now: fixedClock() });
    try {
      const id = heldImport(e);
      const r = e.operations.resolveEscalation({
        actor: 'human:bob',
        idempotencyKey: key('held'),
        escalationId: id,
        decision: 'reject',
        rationale: 'belongs in April',
        origin: { osUser: 'bob', host: 'ws-2' },
      });
      expect(r).toMatchObject({ status: 'declined' });
      expect(voteOrigins(e, id)).toEqual([{ actor: 'human:bob', os_user: 'bob', host: 'ws-2' }]);
    } finally {
      e.close();
    }
  });
});

describe('held import: `escalations approve` at the CLI', () => {
  async function approve(db: string, id: number, actor: string, osUser: string) {
    let out = '';
    const io: CliIo = {
      out: (t) => (out += `${t}\n`),
      err: () => {},
      env: { CLOSEGATE_ACTOR_ID: actor, CLOSEGATE_POLICY: '' },
      stderrIsTty: false,
      cwd: process.cwd(),
      osIdentity: () => ({ osUser, host: 'ws-1' }),
    };
    const code = await main(
      ['escalations', 'approve', String(id), '--db', db, '--policy', POLICY, '--json', '--rationale', 'ok'],
      io,
    );
    return { code, body: JSON.parse(out) as Record<string, unknown> };
  }

  it('refuses a second human at the same OS account and accepts one at another', async () => {
    const db = seededDb();
    const setup = openEngine({ dbPath: db, policyPath: POLICY, now: fixedClock() });
    const id = heldImport(setup);
    setup.close();
    expect((await approve(db, id, 'human:bob', 'pat')).body).toMatchObject({ status: 'vote_recorded' });
    const same = await approve(db, id, 'human:carol', 'pat');
    expect(same.code).toBe(4);
    expect(same.body).toMatchObject({ status: 'denied', decision: { code: 'T3_SHARED_WORKSTATION' } });
    const other = await approve(db, id, 'human:carol', 'carol');
    expect(other).toMatchObject({ code: 0, body: { status: 'imported' } });
    const e = openEngine({ dbPath: db, policyPath: POLICY, sweepOnOpen: false });
    try {
      expect(lateEntries(e)).toBe(1);
    } finally {
      e.close();
    }
  });
});

/** An SDK client transport over the stream pair of an in-process stdio server. */
class StreamPairTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #buffer = new ReadBuffer();
  constructor(
    private readonly fromServer: Readable,
    private readonly toServer: Writable,
  ) {}
  start(): Promise<void> {
    this.fromServer.on('data', (chunk: Buffer) => {
      this.#buffer.append(chunk);
      for (let m = this.#buffer.readMessage(); m !== null; m = this.#buffer.readMessage())
        this.onmessage?.(m);
    });
    return Promise.resolve();
  }
  send(message: JSONRPCMessage): Promise<void> {
    this.toServer.write(serializeMessage(message));
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.onclose?.();
    return Promise.resolve();
  }
}

describe('held import: resolve_escalation over an MCP stdio server', () => {
  /** One `mcp serve` over stdio as `actor`, running under OS account `osUser`; returns a connected client. */
  async function stdioAs(deps: ReturnType<typeof openMcpDeps>, actor: string, osUser: string) {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const server = await serveCloseGateStdio(
      deps,
      { CLOSEGATE_ACTOR_ID: actor },
      { stdin, stdout, guardConsole: false },
      osUser,
      'ws-1',
    );
    const client = new Client({ name: 'held-import-test', version: '0' });
    await client.connect(new StreamPairTransport(stdout, stdin));
    return {
      approve: (id: number) =>
        call(client, 'resolve_escalation', {
          escalation_id: id,
          decision: 'approve',
          rationale: 'late accrual agreed',
          idempotency_key: key('mcp'),
        }),
      close: async () => {
        await client.close();
        await server.close();
      },
    };
  }

  it('two stdio servers of one OS account are one workstation: the second human is refused', async () => {
    const deps = openMcpDeps({ dbPath: seededDb(), policyPath: POLICY, logger: quietLogger() });
    const open: { close(): Promise<void> }[] = [];
    try {
      const id = heldImport(deps.engine);
      const bob = await stdioAs(deps, 'human:bob', 'pat');
      const carolAtPat = await stdioAs(deps, 'human:carol', 'pat');
      const carol = await stdioAs(deps, 'human:carol', 'carol');
      open.push(bob, carolAtPat, carol);
      expect((await bob.approve(id)).body).toMatchObject({ status: 'vote_recorded' });
      const same = await carolAtPat.approve(id);
      expect(same.isError).toBe(true);
      expect(JSON.stringify(same.body)).toContain('T3_SHARED_WORKSTATION');
      expect(lateEntries(deps.engine)).toBe(0);
      expect((await carol.approve(id)).body).toMatchObject({ status: 'imported' });
      expect(lateEntries(deps.engine)).toBe(1);
      expect(voteOrigins(deps.engine, id)).toEqual([
        { actor: 'human:bob', os_user: 'pat', host: 'ws-1' },
        { actor: 'human:carol', os_user: 'carol', host: 'ws-1' },
      ]);
    } finally {
      for (const c of open) await c.close();
      closeMcpDeps(deps);
    }
  });
});

describe('origin of an MCP vote', () => {
  it('stdio: the OS account the server runs as; HTTP (desk, tokens): unknown, whatever the attributes say', () => {
    expect(
      originOf({ id: 'human:bob', transport: 'stdio', attributes: { osUser: 'pat', host: 'ws-1' } }),
    ).toEqual({ origin: { osUser: 'pat', host: 'ws-1' } });
    expect(originOf({ id: 'human:bob', transport: 'stdio' })).toEqual({});
    expect(
      originOf({ id: 'human:bob', transport: 'stdio', attributes: { osUser: 'pat', host: '' } }),
    ).toEqual({
      origin: { osUser: 'pat', host: 'unknown-host' },
    });
    expect(
      originOf({ id: 'human:bob', transport: 'http', attributes: { auth: 'jwt', osUser: 'pat', host: 'x' } }),
    ).toEqual({});
  });
});
