import { importRows, k } from '../policy/fixtures.js';
import { round4 } from '../stats.js';
import { meetsThreshold, type CaseRecord, type DimensionResult } from '../types.js';
import type { Workspace } from '../workspace.js';
import { instructionHijack, roleHijack } from './attacks-hijack.js';
import { actionConfusion, exfiltration } from './attacks-exfil.js';
import { schemaViolation, transportBypass } from './attacks-transport.js';
import { bearer, connectClient, type McpClient } from './client.js';
import { ADVERSARIAL_MIN_CASES, ADVERSARIAL_THRESHOLD, ATTACK_CATEGORIES } from './constants.js';
import { guarded } from './guard.js';
import { llmHeadline, runLlmRedTeam, type LlmModeResult } from './llm-driven.js';
import { startEvalServer, type EvalActor, type EvalServer } from './server.js';
import type { Attack, AttackContext } from './types.js';

export function attackCatalog(): Attack[] {
  return [
    ...instructionHijack,
    ...roleHijack,
    ...exfiltration,
    ...actionConfusion,
    ...schemaViolation,
    ...transportBypass,
  ];
}

export function contextFor(server: EvalServer): AttackContext & { closeClients(): Promise<void> } {
  const clients = new Map<EvalActor, Promise<McpClient>>();
  let pair = 0;
  const engine = server.deps.engine;
  return {
    server,
    engine,
    client(actor) {
      let c = clients.get(actor);
      if (c === undefined) clients.set(actor, (c = connectClient(server.url, bearer(server.token(actor)))));
      return c;
    },
    freshPair(opts = {}) {
      const ref = `RT-${String(++pair).padStart(4, '0')}`;
      const entity = opts.entity ?? 'US01';
      const account = opts.account ?? '1010';
      const currency = opts.currency ?? 'USD';
      const amount = opts.amount ?? `${100 + pair}.25`;
      const memo = (opts.memo ?? `Red team ${ref}`).replace(/"/g, '""');
      const cp = (opts.counterparty ?? 'Red Team Co').replace(/"/g, '""');
      const row = (src: string) =>
        `${src},${entity},${account},2026-03-1${pair % 10},${amount},${currency},${ref},"${memo}","${cp}"`;
      importRows(engine, [row('gl'), row('bank')]);
      return ref;
    },
    key: () => k('rt'),
    async closeClients() {
      for (const c of clients.values()) await (await c).close().catch(() => undefined);
    },
  };
}

async function runAttack(ctx: AttackContext, a: Attack): Promise<CaseRecord> {
  const db = ctx.engine.context.store.db;
  try {
    const state = await a.setup?.(ctx);
    const { value, forbidden } = await guarded(db, a.allow ?? [], () => a.run(ctx, state));
    const verify = ctx.engine.queries.verifyAudit();
    const problems = [...forbidden, ...(verify.ok ? [] : ['audit chain does not verify'])];
    return {
      id: a.id,
      category: a.category,
      passed: problems.length === 0 && value.contained,
      detail: `${a.description} -> ${value.detail}${problems.length ? `; FORBIDDEN: ${problems.join('; ')}` : ''}`,
    };
  } catch (err) {
    return {
      id: a.id,
      category: a.category,
      passed: false,
      detail: `${a.description} -> harness error: ${(err as Error).message}`,
    };
  }
}

/**
 * Adversarial: the attack catalog against the live HTTP MCP server (in
 * process, loopback, ephemeral ports), with the official SDK client and raw
 * HTTP. Each attempt is wrapped in a before/after snapshot of the database:
 * pass = the server contained it (refusal, deny or escalation as expected)
 * AND no state change the policy forbids AND the audit chain still verifies.
 */
export async function runAdversarial(
  ws: Workspace,
  template: string,
  policyText: string,
  env: NodeJS.ProcessEnv,
): Promise<DimensionResult> {
  const started = performance.now();
  const server = await startEvalServer(ws, template, policyText, 'adversarial');
  const ctx = contextFor(server);
  const records: CaseRecord[] = [];
  let llm: LlmModeResult | undefined;
  try {
    for (const a of attackCatalog()) records.push(await runAttack(ctx, a));
    // after the deterministic attacks, on the same live server; never part of the threshold
    llm = await runLlmRedTeam(ctx, env);
  } finally {
    await ctx.closeClients();
    await server.close();
  }
  const passed = records.filter((r) => r.passed).length;
  const score = records.length === 0 ? 0 : round4(passed / records.length);
  const byCategory = Object.fromEntries(
    ATTACK_CATEGORIES.map((c) => {
      const inCat = records.filter((r) => r.category === c);
      return [c, { cases: inCat.length, passed: inCat.filter((r) => r.passed).length }];
    }),
  );
  const emptyCategories = ATTACK_CATEGORIES.filter((c) => byCategory[c]!.cases === 0);
  const ok =
    meetsThreshold(score, ADVERSARIAL_THRESHOLD) &&
    records.length >= ADVERSARIAL_MIN_CASES &&
    emptyCategories.length === 0;
  const llmMode = llm ?? { status: 'skipped', cases: 0, passed: 0, caseRecords: [], reason: 'not run' };
  return {
    name: 'adversarial',
    deterministic: true,
    status: ok ? 'pass' : 'fail',
    cases: records.length,
    passed,
    minCases: ADVERSARIAL_MIN_CASES,
    threshold: ADVERSARIAL_THRESHOLD,
    score,
    headline: `${passed}/${records.length} attacks in ${ATTACK_CATEGORIES.length} categories contained by the live HTTP MCP server with zero forbidden state changes; ${llmHeadline(llmMode)}`,
    durationMs: performance.now() - started,
    metrics: {
      byCategory,
      emptyCategories,
      failures: records.filter((r) => !r.passed).map((r) => r.id),
      llmDriven: llmMode,
    },
    caseRecords: records,
    ...(llmMode.status === 'skipped'
      ? { skipped: [{ mode: 'llm-driven', reason: llmMode.reason ?? 'not run' }] }
      : {}),
  };
}
