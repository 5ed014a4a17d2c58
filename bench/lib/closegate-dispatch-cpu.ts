/**
 * CPU per T0 call of closegate's dispatcher alone (no HTTP, no SDK transport): handler,
 * audit record, transaction, signature. Complements the closegate-mcp bench's server CPU
 * figure when profiling (docs/profiles/closegate-t0-call.md).
 * Run: node --conditions=source --import tsx bench/lib/closegate-dispatch-cpu.ts [concurrency]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { openEngine } from 'closegate-engine';
import { createLogger, type ExtraWithAuth } from 'mcp-host';
import { closeMcpDeps, openMcpDeps } from '../../packages/closegate-engine/src/mcp/index.js';
import { dispatchToolCall } from '../../packages/closegate-engine/src/mcp/dispatch.js';
import { registerTieredTool, TieredToolRegistry } from '../../packages/closegate-engine/src/mcp/register.js';
import { CLOSEGATE_TOOLS } from '../../packages/closegate-engine/src/mcp/tools/index.js';

const CALLS = 3000;
const ROUNDS = 5;
const concurrency = Number(process.argv[2] ?? 1);

const dbPath = join(mkdtempSync(join(tmpdir(), 'closegate-dispatch-cpu-')), 'recon.db');
const seeded = openEngine({ dbPath });
seeded.seedDemo();
seeded.close();
const deps = openMcpDeps({ dbPath, env: {}, logger: createLogger('bench', { level: 'warn' }) });
const registry = new TieredToolRegistry();
const server = new McpServer({ name: 'bench', version: '0.0.0' });
for (const spec of CLOSEGATE_TOOLS) registerTieredTool(server, registry, spec);
const principal = { id: 'llm:bench-agent', transport: 'http' as const };
const extra = {
  authInfo: { token: 'redacted', clientId: principal.id, scopes: [], extra: { principal } },
} as unknown as ExtraWithAuth;

async function round(): Promise<number> {
  const before = process.cpuUsage();
  let issued = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < CALLS) {
        issued++;
        const r = await dispatchToolCall(registry, deps, 'get_recon_status', {}, extra);
        if (r.isError === true) throw new Error(JSON.stringify(r.content));
      }
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / CALLS;
}

await round(); // warm-up
const perCall: number[] = [];
for (let i = 0; i < ROUNDS; i++) perCall.push(await round());
perCall.sort((a, b) => a - b);
console.log(
  `closegate dispatch get_recon_status c=${concurrency}: CPU ${perCall[ROUNDS >> 1]!.toFixed(1)} µs/call median of ${ROUNDS} x ${CALLS} (${perCall.map((x) => x.toFixed(0)).join(' ')})`,
);
closeMcpDeps(deps);
