import fs from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyPath } from '../../src/config.js';
import { bearer, connectClient, type McpClient, type ToolReply } from '../../src/eval/adversarial/client.js';
import { startEvalServer, type EvalServer } from '../../src/eval/adversarial/server.js';
import { seededTemplate } from '../../src/eval/policy/run.js';
import { reconFingerprint } from '../../src/eval/state/fingerprint.js';
import { reconInvariantViolations } from '../../src/eval/state/invariants.js';
import { createWorkspace } from '../../src/eval/workspace.js';

const TOTAL_CASES = Number(process.env.RELIABILITY_FUZZ_CASES ?? 10_000);
const ACTORS = ['llm:agent-1', 'human:bob', 'engine:autoconfirm'] as const;

const ws = createWorkspace('closegate-fuzz-');
let server: EvalServer;
const clients = new Map<string, McpClient>();
let tools: { name: string; properties: string[] }[] = [];
let fresh = 0;
const tally = { cases: 0, rejected: 0, accepted: 0, denied: 0, protocol: 0 };

beforeAll(async () => {
  const policy = fs.readFileSync(defaultPolicyPath(), 'utf8');
  server = await startEvalServer(ws, seededTemplate(ws, policy), policy, 'fuzz');
  server.deps.engine.runReconPass();
  for (const a of ACTORS) clients.set(a, await connectClient(server.url, bearer(server.token(a))));
  tools = (await listTools()).map((t) => ({
    name: t.name,
    properties: Object.keys(t.inputSchema.properties ?? {}),
  }));
}, 120_000);

afterAll(async () => {
  for (const c of clients.values()) await c.close().catch(() => undefined);
  await server?.close();
  ws.dispose();
  console.log(
    `fuzz: ${tally.cases} cases over ${tools.length} tools: ${tally.rejected} rejected with a clear error (${tally.protocol} at the protocol layer), ${tally.denied} gate denies, ${tally.accepted} accepted`,
  );
});

async function listTools(): Promise<
  { name: string; inputSchema: { properties?: Record<string, unknown> } }[]
> {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StreamableHTTPClientTransport } =
    await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  const client = new Client({ name: 'fuzz-list', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL(server.url), {
    requestInit: { headers: bearer(server.token('human:bob')) },
  });
  await client.connect(transport);
  const { tools: listed } = await client.listTools();
  await transport.terminateSession().catch(() => undefined);
  await client.close();
  return listed as never;
}

const junk = fc.oneof(
  fc.anything({ maxDepth: 2, maxKeys: 3 }),
  fc.double(),
  fc.constantFrom(null, true, -1, 0, 1.5, 2 ** 53, '', ' ', '1e3', 'NaN', '\u0000', 'x'.repeat(5000)),
);
const id = fc.oneof(fc.integer({ min: 1, max: 400 }), fc.integer({ min: -3, max: 3 }));
const decimal = fc.oneof(
  fc.constantFrom('0', '100.00', '-5.5', '1250.00', '99999999999999999999'),
  fc.stringMatching(/^-?\d{1,6}(\.\d{1,3})?$/),
);

/** Plausible values by argument name (mixed with junk by the record builder). */
const DOMAIN: Record<string, fc.Arbitrary<unknown>> = {
  entry_ids: fc.array(id, { maxLength: 6 }),
  match_id: id,
  escalation_id: id,
  entry_id: id,
  after_id: id,
  after_seq: fc.integer({ min: -1, max: 5000 }),
  limit: fc.integer({ min: -5, max: 1500 }),
  max_rows: fc.integer({ min: -5, max: 1500 }),
  window_days: fc.integer({ min: -2, max: 40 }),
  rationale: fc.string({ maxLength: 40 }),
  reason: fc.string({ maxLength: 40 }),
  idempotency_key: fc.oneof(fc.constant('<fresh>'), fc.string({ maxLength: 12 })),
  decision: fc.constantFrom('approve', 'reject', 'APPROVE', ''),
  entity: fc.constantFrom('US01', 'JP01', 'IN01', 'ZZ99', "US01'--", ''),
  account_code: fc.constantFrom('1010', '1030', '2000', '*', ''),
  period: fc.constantFrom('2026-03', '2026-02', '2025-12', '2026-13', '26-3', ''),
  min_abs_amount: decimal,
  max_abs_amount: decimal,
  amount_tolerance: decimal,
  performed_by: fc.constantFrom('llm:agent-1', 'human:bob', 'root', ''),
  type: fc.constantFrom('MCP_TOOL_CALL', 'POLICY_VIOLATION', 'lower', ''),
  since: fc.constantFrom('2026-01-01T00:00:00Z', 'yesterday', ''),
  until: fc.constantFrom('2030-01-01T00:00:00Z', 'never'),
  sql: fc.constantFrom(
    'SELECT COUNT(*) AS n FROM audit_events',
    'SELECT * FROM audit_events ORDER BY seq DESC LIMIT 5',
    'SELECT * FROM entries',
    'DELETE FROM audit_events',
    "ATTACH DATABASE 'x.db' AS x",
    'PRAGMA query_only = 0',
    'SELECT 1; SELECT 2',
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c',
  ),
};

function argsFor(properties: string[]): fc.Arbitrary<unknown> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of properties)
    shape[p] = fc.oneof({ weight: 4, arbitrary: DOMAIN[p] ?? junk }, { weight: 1, arbitrary: junk });
  const record = fc.record(shape, { requiredKeys: [] });
  return fc.oneof(
    { weight: 8, arbitrary: record },
    {
      weight: 1,
      arbitrary: fc
        .tuple(record, fc.constantFrom('actor', 'actor_id', 'matchType', 'force', '__proto__x'), junk)
        .map(([r, k, v]) => ({ ...(r as object), [k]: v })),
    },
    { weight: 1, arbitrary: junk },
  );
}

function withFreshKey(args: unknown): unknown {
  if (
    args !== null &&
    typeof args === 'object' &&
    (args as Record<string, unknown>).idempotency_key === '<fresh>'
  )
    return { ...(args as object), idempotency_key: `fz-${++fresh}` };
  return args;
}

type Kind = 'rejected' | 'denied' | 'accepted';

function classify(r: ToolReply): { kind: Kind; clear: boolean; why: string } {
  if (r.protocolError !== undefined)
    return { kind: 'rejected', clear: r.protocolError.length > 10, why: r.protocolError };
  const error = r.body?.error as { code?: unknown; message?: unknown } | undefined;
  if (r.isError && error !== undefined) {
    const clear =
      typeof error.code === 'string' &&
      /^[A-Z][A-Z0-9_]+$/.test(error.code) &&
      error.code !== 'INTERNAL_ERROR' &&
      typeof error.message === 'string' &&
      error.message.length >= 10;
    return { kind: 'rejected', clear, why: `${String(error.code)}: ${String(error.message)}` };
  }
  if (r.isError)
    return { kind: 'denied', clear: r.body?.status === 'denied', why: JSON.stringify(r.body).slice(0, 200) };
  return { kind: 'accepted', clear: true, why: 'ok' };
}

describe(`fuzzing every MCP tool's arguments through the SDK client (${TOTAL_CASES} cases)`, () => {
  it('lists the tools to fuzz', () => {
    expect(tools.length).toBeGreaterThanOrEqual(18);
  });

  it('no crash, no state change from rejected input, every rejection a clear error', async () => {
    const perTool = Math.ceil(TOTAL_CASES / tools.length);
    const db = server.deps.engine.context.store.db;
    for (const tool of tools) {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...ACTORS), argsFor(tool.properties), async (actor, rawArgs) => {
          const args = withFreshKey(rawArgs);
          const before = reconFingerprint(db);
          const seq = db.prepare('SELECT MAX(seq) FROM audit_events').pluck().get() as number;
          const reply = await clients.get(actor)!.call(tool.name, args);
          const verdict = classify(reply);
          tally.cases++;
          tally[verdict.kind]++;
          if (reply.protocolError !== undefined) tally.protocol++;
          expect(
            verdict.clear,
            `${tool.name} ${JSON.stringify(args)?.slice(0, 200)} -> unclear: ${verdict.why}`,
          ).toBe(true);
          if (verdict.kind !== 'accepted') {
            expect(reconFingerprint(db), `${tool.name} rejected input changed state`).toBe(before);
            const types = db
              .prepare('SELECT type FROM audit_events WHERE seq > ?')
              .pluck()
              .all(seq) as string[];
            expect(types.filter((t) => t !== 'MCP_TOOL_CALL' && t !== 'POLICY_VIOLATION')).toEqual([]);
          }
        }),
        { numRuns: perTool, seed: 20261122 + tool.name.length },
      );
    }
    expect(tally.cases).toBeGreaterThanOrEqual(TOTAL_CASES);
    expect(reconInvariantViolations(db)).toEqual([]);
    expect(server.deps.engine.queries.verifyAudit().ok).toBe(true);
    const alive = await clients.get('human:bob')!.call('get_recon_status', {});
    expect(alive.isError).toBe(false);
  });
});
