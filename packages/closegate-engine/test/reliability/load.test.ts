import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyPath } from '../../src/config.js';
import { bearer, connectClient, type McpClient, type ToolReply } from '../../src/eval/adversarial/client.js';
import { EVAL_ACTORS, startEvalServer, type EvalServer } from '../../src/eval/adversarial/server.js';
import { importRows } from '../../src/eval/policy/fixtures.js';
import { seededTemplate } from '../../src/eval/policy/run.js';
import { auditAccountingViolations } from '../../src/eval/state/accounting.js';
import { reconInvariantViolations } from '../../src/eval/state/invariants.js';
import { createWorkspace } from '../../src/eval/workspace.js';
import { percentiles } from '../../src/eval/stats.js';

const CLIENTS = Number(process.env.RELIABILITY_LOAD_CLIENTS ?? 32);
const CALLS = Number(process.env.RELIABILITY_LOAD_CALLS ?? 500);
/** A second writer process on the same file (default on); RELIABILITY_LOAD_CONTENDER=0 turns it off. */
const CONTENDER = process.env.RELIABILITY_LOAD_CONTENDER !== '0';
const PAIRS_PER_CLIENT = Math.ceil(CALLS * 0.3);
const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-worker.ts');
/** Business refusals two racing clients can legitimately get; anything else is an error. */
const EXPECTED_REFUSALS = new Set(['STATE_CONFLICT']);

const ws = createWorkspace('closegate-load-');
let server: EvalServer;
let contender: ChildProcess | undefined;
let contenderErrors = '';

beforeAll(async () => {
  const policy = fs.readFileSync(defaultPolicyPath(), 'utf8');
  server = await startEvalServer(ws, seededTemplate(ws, policy), policy, 'load');
  const rows: string[] = [];
  for (let c = 0; c < CLIENTS; c++)
    for (let i = 0; i < PAIRS_PER_CLIENT; i++)
      for (const src of ['gl', 'bank'])
        rows.push(
          `${src},US01,1010,2026-03-${String(2 + ((c + i) % 26)).padStart(2, '0')},${100 + i}.${String(c).padStart(2, '0')},USD,LD-${c}-${i},Load ${c}/${i},Load Co`,
        );
  importRows(server.deps.engine, rows);
}, 120_000);

afterAll(async () => {
  contender?.kill('SIGKILL');
  await server?.close();
  ws.dispose();
});

type Outcome = { tool: string; ms: number; reply: ToolReply };

function isError(o: Outcome): string | undefined {
  const r = o.reply;
  if (r.protocolError !== undefined) return `${o.tool}: protocol error ${r.protocolError}`;
  const e = r.body?.error as { code?: string; message?: string } | undefined;
  if (e !== undefined && !EXPECTED_REFUSALS.has(String(e.code)))
    return `${o.tool}: ${String(e.code)} ${String(e.message)}`;
  if (/SQLITE_BUSY|database is locked/i.test(JSON.stringify(r.body ?? {})))
    return `${o.tool}: SQLITE_BUSY leaked`;
  return undefined;
}

/** Mixed reads and writes of one client; proposals go to a shared queue other clients decide on. */
async function clientLoop(
  index: number,
  client: McpClient,
  actor: string,
  queue: { matchId: number; by: string }[],
  out: Outcome[],
  accepted: number[],
): Promise<void> {
  const db = server.deps.engine.context.store.db;
  let next = 0;
  let n = 0;
  const key = () => `ld-${index}-${++n}`;
  const call = async (tool: string, args: unknown): Promise<ToolReply> => {
    const t = performance.now();
    const reply = await client.call(tool, args);
    out.push({ tool, ms: performance.now() - t, reply });
    return reply;
  };
  const reads: [string, unknown][] = [
    ['get_recon_status', {}],
    ['list_unmatched', { limit: 20 }],
    ['list_pending_escalations', { limit: 20 }],
    ['query_audit', { limit: 20 }],
    ['list_exceptions', { limit: 20 }],
  ];
  for (let c = 0; c < CALLS; c++) {
    const slot = (c * 7 + index) % 20;
    const pairIds = () =>
      db
        .prepare('SELECT id FROM entries WHERE reference = ? ORDER BY id')
        .pluck()
        .all(`LD-${index}-${next++}`) as number[];
    if (slot < 11 || next >= PAIRS_PER_CLIENT) {
      const [tool, args] = reads[c % reads.length]!;
      await call(tool, args);
    } else if (slot < 15) {
      const r = await call('propose_match', { entry_ids: pairIds(), idempotency_key: key() });
      if (r.body?.status === 'proposed') {
        queue.push({ matchId: r.body.matchId as number, by: actor });
        accepted.push(r.body.auditSeq as number);
      }
    } else if (slot < 18) {
      const target = queue.findIndex((q) => q.by !== actor);
      if (target < 0) await call('get_recon_status', {});
      else {
        const { matchId } = queue.splice(target, 1)[0]!;
        const r = await call(slot < 17 ? 'confirm_match' : 'reject_match', {
          match_id: matchId,
          rationale: 'load test decision with reasons',
          idempotency_key: key(),
        });
        if (r.body?.outcome !== undefined && r.body.outcome !== 'deny')
          accepted.push(r.body.auditSeq as number);
      }
    } else if (slot < 19) {
      const ids = pairIds();
      const r = await call('flag_exception', {
        entry_id: ids[0],
        reason: 'load test exception',
        idempotency_key: key(),
      });
      if (r.body?.status === 'flagged') accepted.push(r.body.auditSeq as number);
    } else {
      await call('get_match', { match_id: queue[0]?.matchId ?? 1 });
    }
  }
}

describe(`load: ${CLIENTS} concurrent HTTP clients x ${CALLS} calls of mixed reads and writes`, () => {
  it('zero errors, every accepted mutation audited exactly once, chain verifies, no SQLITE_BUSY leaks', async () => {
    const db = server.deps.engine.context.store.db;
    const toolCallsBefore = db
      .prepare("SELECT COUNT(*) FROM audit_events WHERE type = 'MCP_TOOL_CALL'")
      .pluck()
      .get() as number;
    // a second process writing to the same file, so the server really meets lock contention
    if (CONTENDER) {
      contender = spawn(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', WORKER, server.deps.engine.dbPath, '7', 'contend'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      contender.stderr!.on('data', (c: Buffer) => (contenderErrors += c.toString()));
      await new Promise<void>((resolve) =>
        contender!.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve()),
      );
    }

    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) =>
        connectClient(server.url, bearer(server.token(EVAL_ACTORS[i % EVAL_ACTORS.length]!))),
      ),
    );
    const queue: { matchId: number; by: string }[] = [];
    const out: Outcome[] = [];
    const accepted: number[] = [];
    const started = performance.now();
    await Promise.all(
      clients.map((c, i) => clientLoop(i, c, EVAL_ACTORS[i % EVAL_ACTORS.length]!, queue, out, accepted)),
    );
    const seconds = (performance.now() - started) / 1000;
    contender?.kill('SIGKILL');
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));

    const errors = out.map(isError).filter((e): e is string => e !== undefined);
    const lat = percentiles(out.map((o) => o.ms));
    console.log(
      `load: ${out.length} calls from ${CLIENTS} clients in ${seconds.toFixed(1)} s (${(out.length / seconds).toFixed(0)} calls/s), ` +
        `p50 ${lat.p50} ms, p99 ${lat.p99} ms; ${accepted.length} accepted mutations; ${errors.length} errors; ` +
        `contender process: ${contenderErrors.split('\n').filter(Boolean).length} error line(s)`,
    );
    expect(errors.slice(0, 5)).toEqual([]);
    expect(out).toHaveLength(CLIENTS * CALLS);
    const toolCalls = db
      .prepare("SELECT COUNT(*) FROM audit_events WHERE type = 'MCP_TOOL_CALL'")
      .pluck()
      .get() as number;
    expect(toolCalls - toolCallsBefore).toBe(CLIENTS * CALLS);
    // each accepted mutation's audit seq is its own event: no two mutations share one, none is missing
    expect(new Set(accepted).size).toBe(accepted.length);
    const types = db
      .prepare(`SELECT seq, type FROM audit_events WHERE seq IN (${accepted.join(',') || 0})`)
      .all() as { type: string }[];
    expect(types).toHaveLength(accepted.length);
    expect(
      types.every((t) =>
        /^(MATCH_PROPOSED|MATCH_CONFIRMED|MATCH_REJECTED|MATCH_ESCALATED|EXCEPTION_FLAGGED)$/.test(t.type),
      ),
    ).toBe(true);
    expect(auditAccountingViolations(db)).toEqual([]);
    expect(reconInvariantViolations(db)).toEqual([]);
    expect(server.deps.engine.queries.verifyAudit().ok).toBe(true);
    expect(contenderErrors).not.toMatch(/SQLITE_BUSY|database is locked/);
  });
});
