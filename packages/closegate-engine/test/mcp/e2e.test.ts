import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { DEMO_MARKERS } from '../../src/index.js';
import {
  bearer,
  call,
  CLI_MAIN,
  httpClient,
  inspect,
  key,
  NODE_ARGS,
  REPO_ROOT,
  seededDb,
  startHttp,
  stdioClient,
  toolCalls,
  TOKEN_ENV,
  TOKENS,
  type HttpFixture,
} from './helpers.js';

describe('end to end: llm over stdio, human over HTTP, one audit chain', () => {
  let dbPath: string;
  let llm: { client: Client; stderr: () => string };
  let http: HttpFixture;
  let alice: Client;

  beforeAll(async () => {
    dbPath = seededDb();
    llm = await stdioClient(dbPath, { CLOSEGATE_ACTOR_ID: 'llm:recon-agent' });
    http = await startHttp(dbPath, { CLOSEGATE_AUTH_BACKEND: 'token', CLOSEGATE_HTTP_TOKENS: TOKEN_ENV });
    alice = await httpClient(http.url, bearer(TOKENS.alice));
  });
  afterAll(async () => {
    await Promise.allSettled([llm?.client.close(), alice?.close()]);
    await http?.close();
  });

  it('recon pass + proposal by the llm, escalation by the gate, confirmation by a human, all audited', async () => {
    const { client } = llm;
    const passKey = key('pass');
    const pass = await call(client, 'run_recon_pass', { idempotency_key: passKey });
    expect(pass.isError).toBe(false);
    const escalated = pass.body.escalated as {
      matchId: number;
      code: string;
      amountUsd: string;
      escalationId: number;
    }[];
    const material = escalated.find(
      (e) => e.code === 'MATERIALITY_OVER_THRESHOLD' && e.amountUsd === '250000.00',
    )!;
    expect(material).toBeDefined();
    // The memo carrying a prompt injection gets the same decision as its clean sibling.
    const byRef = async (reference: string) => {
      for (const e of escalated) {
        const m = await call(client, 'get_match', { match_id: e.matchId });
        if ((m.body.entries as { reference: string }[]).some((x) => x.reference === reference))
          return { ...e, entries: m.body.entries as { description: string }[] };
      }
      throw new Error(`no escalated match for ${reference}`);
    };
    const injected = await byRef(DEMO_MARKERS.injectionReference);
    expect(injected.entries.some((x) => x.description.includes(DEMO_MARKERS.injectionMemo))).toBe(true);
    expect(injected.code).toBe('ACCOUNT_FORCED_HUMAN');
    expect((await byRef('TRSY-0309')).code).toBe(injected.code);
    const replay = await call(client, 'run_recon_pass', { idempotency_key: passKey });
    expect(replay.body).toEqual({ ...pass.body, replayed: true });

    // The llm investigates a leftover exception and proposes the near miss itself.
    const exceptions = (await call(client, 'list_exceptions')).body.exceptions as {
      entryId: number;
      entry: { reference: string; source: string };
    }[];
    const gl = exceptions.find((x) => x.entry.reference === 'INV-4400' && x.entry.source === 'gl')!;
    const near = await call(client, 'investigate_exception', { entry_id: gl.entryId });
    const candidate = (near.body.candidates as { id: number; reference: string }[]).find(
      (c) => c.reference === 'INV-4400',
    )!;
    const proposal = await call(client, 'propose_match', {
      entry_ids: [gl.entryId, candidate.id],
      rationale: 'same invoice, bank short by a fee',
      idempotency_key: key('p'),
    });
    expect(proposal.body).toMatchObject({ status: 'proposed' });
    const llmMatch = proposal.body.matchId as number;

    // The llm may not decide the material escalation; a human over HTTP does.
    const llmTry = await call(client, 'resolve_escalation', {
      escalation_id: material.escalationId,
      decision: 'approve',
      idempotency_key: key(),
    });
    expect(llmTry.isError).toBe(true);
    const noReason = await call(alice, 'confirm_match', {
      match_id: material.matchId,
      idempotency_key: key(),
    });
    expect(noReason.body.clause).toMatchObject({ code: 'MISSING_RATIONALE' });
    const confirmed = await call(alice, 'confirm_match', {
      match_id: material.matchId,
      rationale: 'wire matched to the signed prepayment agreement',
      idempotency_key: key('c'),
    });
    expect(confirmed.body).toMatchObject({ status: 'confirmed', state: 'confirmed' });
    const second = await call(alice, 'confirm_match', {
      match_id: llmMatch,
      rationale: 'fee difference accepted',
      idempotency_key: key('c'),
    });
    expect(second.body).toMatchObject({ status: 'confirmed' });

    const engine = inspect(dbPath);
    try {
      expect(engine.queries.verifyAudit()).toMatchObject({ ok: true });
      expect(engine.queries.match(material.matchId)).toMatchObject({
        state: 'confirmed',
        decidedBy: 'human:alice',
      });
      expect(engine.queries.match(llmMatch)).toMatchObject({
        state: 'confirmed',
        proposedBy: 'llm:recon-agent',
        decidedBy: 'human:alice',
      });
      const calls = toolCalls(engine).map((c) => [c.actor, c.tool, c.decision]);
      expect(calls).toEqual(
        expect.arrayContaining([
          ['llm:recon-agent', 'run_recon_pass', 'allow'],
          ['llm:recon-agent', 'run_recon_pass', 'allow'],
          ['llm:recon-agent', 'propose_match', 'allow'],
          ['llm:recon-agent', 'resolve_escalation', 'deny'],
          ['human:alice', 'confirm_match', 'deny'],
          ['human:alice', 'confirm_match', 'allow'],
        ]),
      );
      const escalation = engine.queries
        .auditQuery({ type: 'MATCH_ESCALATED', limit: 1000 })
        .find((e) => e.payload.matchId === material.matchId)!;
      expect(escalation.payload).toMatchObject({ code: 'MATERIALITY_OVER_THRESHOLD' });
      const confirmedEvents = engine.queries
        .auditQuery({ type: 'MATCH_CONFIRMED', actor: 'human:alice', limit: 1000 })
        .map((e) => e.payload.matchId);
      expect(confirmedEvents).toEqual([material.matchId, llmMatch]);
      expect(
        engine.queries.auditQuery({ type: 'MATCH_PROPOSED', actor: 'llm:recon-agent', limit: 1000 }),
      ).toHaveLength(1);
      expect(engine.context.store.runs.latest('SUCCEEDED', 5)).toHaveLength(1);
    } finally {
      engine.close();
    }
  });
});

/** Runs `closegate-engine mcp serve ...` and resolves with its exit code and stderr. */
function runServe(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, CLI_MAIN, 'mcp', 'serve', ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mcp serve did not exit: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('mcp serve process', () => {
  it('exits non-zero on a non-loopback bind without an authenticator', async () => {
    const dbPath = seededDb();
    const r = await runServe(['--db', dbPath, '--http', '--host', '0.0.0.0', '--port', '0'], {});
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to serve: .*0\.0\.0\.0/);
  });

  it('exits non-zero in prod without CLOSEGATE_ACTOR_ID on stdio', async () => {
    const r = await runServe(['--db', seededDb()], { CLOSEGATE_ENV: 'prod' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/CLOSEGATE_ACTOR_ID/);
  });

  it('announces a generated dev actor on stderr and keeps stdout for the protocol', async () => {
    const dbPath = seededDb();
    const { client, stderr } = await stdioClient(dbPath, {});
    try {
      expect((await call(client, 'get_recon_status')).isError).toBe(false);
      expect(stderr()).toMatch(/llm:stdio-[0-9a-f]{12}/);
    } finally {
      await client.close();
    }
    const engine = inspect(dbPath);
    try {
      expect(toolCalls(engine)[0]!.actor).toMatch(/^llm:stdio-[0-9a-f]{12}$/);
    } finally {
      engine.close();
    }
  });

  it('prints --help', async () => {
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [...NODE_ARGS, CLI_MAIN, 'mcp', 'serve', '--help'], {
        cwd: REPO_ROOT,
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      child.on('exit', (code) => resolve({ code, out }));
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('CLOSEGATE_AUTH_BACKEND');
  });
});
