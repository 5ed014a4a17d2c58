import { bearer, connectClient, type McpClient, type ToolReply } from '../adversarial/client.js';
import { startEvalServer } from '../adversarial/server.js';
import { importRows, k, proposeRefs } from '../policy/fixtures.js';
import { percentiles } from '../stats.js';
import type { Workspace } from '../workspace.js';
import type { ToolLatencies } from './run.js';

type Timed = { tool: string; ms: number; ok: boolean };

async function timed(
  out: Timed[],
  c: McpClient,
  tool: string,
  args: unknown,
  ok: (r: ToolReply) => boolean = (r) => !r.isError,
): Promise<ToolReply> {
  const t = performance.now();
  const r = await c.call(tool, args);
  out.push({ tool, ms: performance.now() - t, ok: ok(r) });
  return r;
}

/**
 * Per-tool latency over MCP HTTP on loopback (official SDK client, bearer
 * tokens): every tool, `n` successful calls each (state-changing tools on
 * fresh lines imported beforehand; run_recon_pass and close_period fewer).
 */
export async function measureToolLatency(
  ws: Workspace,
  template: string,
  policyText: string,
  n: number,
): Promise<ToolLatencies> {
  const server = await startEvalServer(ws, template, policyText, 'latency-tools');
  const engine = server.deps.engine;
  const llm = await connectClient(server.url, bearer(server.token('llm:agent-1')));
  const llm2 = await connectClient(server.url, bearer(server.token('llm:agent-2')));
  const human = await connectClient(server.url, bearer(server.token('human:bob')));
  const out: Timed[] = [];
  try {
    const refs = Array.from({ length: 4 * n }, (_, i) => `LT-${i}`);
    importRows(
      engine,
      refs.flatMap((ref, i) =>
        ['gl', 'bank'].map(
          (src) =>
            `${src},US01,1010,2026-03-${String(2 + (i % 25)).padStart(2, '0')},${200 + i}.10,USD,${ref},Latency ${ref},Latency Co`,
        ),
      ),
    );
    const idsOf = (ref: string) =>
      engine.context.store.db
        .prepare('SELECT id FROM entries WHERE reference = ? ORDER BY id')
        .pluck()
        .all(ref) as number[];
    const proposed: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await timed(out, llm, 'propose_match', {
        entry_ids: idsOf(refs[i]!),
        idempotency_key: k('lt'),
      });
      proposed.push(r.body?.matchId as number);
    }
    for (const matchId of proposed)
      await timed(out, human, 'confirm_match', { match_id: matchId, idempotency_key: k('lt') });
    for (let i = n; i < 2 * n; i++) {
      const matchId = proposeRefs(engine, 'llm:agent-1', [refs[i]!]);
      await timed(out, human, 'reject_match', {
        match_id: matchId,
        rationale: 'latency sample rejection',
        idempotency_key: k('lt'),
      });
    }
    const escalations: number[] = [];
    for (let i = 2 * n; i < 3 * n; i++) {
      const matchId = proposeRefs(engine, 'llm:agent-1', [refs[i]!]);
      const r = await timed(out, llm2, 'escalate_match', {
        match_id: matchId,
        reason: 'latency sample escalation',
        idempotency_key: k('lt'),
      });
      escalations.push(r.body?.escalationId as number);
    }
    for (const id of escalations)
      await timed(out, human, 'resolve_escalation', {
        escalation_id: id,
        decision: 'approve',
        rationale: 'latency sample approval',
        idempotency_key: k('lt'),
      });
    for (let i = 3 * n; i < 4 * n; i++)
      await timed(out, llm, 'flag_exception', {
        entry_id: idsOf(refs[i]!)[0]!,
        reason: 'latency sample exception',
        idempotency_key: k('lt'),
      });
    const reads: [string, unknown][] = [
      ['get_recon_status', {}],
      ['list_unmatched', { limit: 50 }],
      ['list_exceptions', { limit: 50 }],
      ['investigate_exception', { entry_id: 1 }],
      ['get_match', { match_id: proposed[0] }],
      ['list_pending_escalations', {}],
      ['query_audit', { limit: 50 }],
      ['generate_close_summary', {}],
      ['get_policy', {}],
      ['get_close_calendar', {}],
    ];
    for (let i = 0; i < n; i++) for (const [tool, args] of reads) await timed(out, llm, tool, args);
    for (let i = 0; i < n; i++)
      await timed(out, llm, 'query_audit', {
        sql: 'SELECT seq, type FROM audit_events ORDER BY seq DESC LIMIT 20',
      });
    for (let m = 1; m <= Math.min(n, 12); m++)
      await timed(out, llm, 'close_period', {
        entity: 'US01',
        period: `2025-${String(m).padStart(2, '0')}`,
        idempotency_key: k('lt'),
      });
    for (let i = 0; i < 3; i++) await timed(out, llm, 'run_recon_pass', { idempotency_key: k('lt') });
  } finally {
    await Promise.all([llm.close(), llm2.close(), human.close()]).catch(() => undefined);
    await server.close();
  }
  const tools: ToolLatencies['tools'] = {};
  for (const tool of [...new Set(out.map((o) => o.tool))].sort()) {
    const p = percentiles(out.filter((o) => o.tool === tool).map((o) => o.ms));
    tools[tool] = { samples: p.samples, p50: p.p50, p95: p.p95, p99: p.p99 };
  }
  return { calls: out.length, errors: out.filter((o) => !o.ok).length, tools };
}
