/**
 * CPU per T0 call of closegate's dispatcher alone (no HTTP, no SDK transport): handler,
 * audit record, transaction, signature. Complements the closegate-mcp bench's server CPU
 * figure when profiling (docs/profiles/closegate-t0-call.md).
 * With --through-sdk the call enters where the transport hands it to the server: mcp-host's
 * guard (-32602 checks, argument validation), the SDK's tools/call wrappers (request parse,
 * result validation), then the dispatcher; still no HTTP.
 * Run: node --conditions=source --import tsx bench/lib/closegate-dispatch-cpu.ts [concurrency] [--through-sdk]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { openEngine } from 'closegate-engine';
import { createLogger, guardToolCalls, type ExtraWithAuth } from 'mcp-host';
import { closeMcpDeps, openMcpDeps } from '../../packages/closegate-engine/src/mcp/index.js';
import { dispatchToolCall, installToolDispatcher } from '../../packages/closegate-engine/src/mcp/dispatch.js';
import { registerTieredTool, TieredToolRegistry } from '../../packages/closegate-engine/src/mcp/register.js';
import { CLOSEGATE_TOOLS } from '../../packages/closegate-engine/src/mcp/tools/index.js';

const CALLS = 3000;
const ROUNDS = 5;
const args = process.argv.slice(2);
const throughSdk = args.includes('--through-sdk');
const concurrency = Number(args.find((a) => !a.startsWith('--')) ?? 1);

const dbPath = join(mkdtempSync(join(tmpdir(), 'closegate-dispatch-cpu-')), 'recon.db');
const seeded = openEngine({ dbPath });
seeded.seedDemo();
seeded.close();
const deps = openMcpDeps({ dbPath, env: {}, logger: createLogger('bench', { level: 'warn' }) });
const registry = new TieredToolRegistry();
const server = new McpServer({ name: 'bench', version: '0.0.0' });
for (const spec of CLOSEGATE_TOOLS) registerTieredTool(server, registry, spec);
type RawHandler = (request: unknown, extra: unknown) => Promise<{ isError?: boolean; content: unknown }>;
let viaSdk: RawHandler | undefined;
if (throughSdk) {
  installToolDispatcher(server, registry, deps);
  guardToolCalls(server, () => {
    throw new Error('no call is refused here');
  });
  viaSdk = (server.server as unknown as { _requestHandlers: Map<string, RawHandler> })._requestHandlers.get(
    'tools/call',
  )!;
}
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
        const r = viaSdk
          ? await viaSdk(
              {
                jsonrpc: '2.0',
                id: issued,
                method: 'tools/call',
                params: { name: 'get_recon_status', arguments: {} },
              },
              { ...extra, signal: new AbortController().signal, requestId: issued },
            )
          : await dispatchToolCall(registry, deps, 'get_recon_status', {}, extra);
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
  `closegate dispatch${throughSdk ? ' (through guard + SDK handler)' : ''} get_recon_status c=${concurrency}: CPU ${perCall[ROUNDS >> 1]!.toFixed(1)} µs/call median of ${ROUNDS} x ${CALLS} (${perCall.map((x) => x.toFixed(0)).join(' ')})`,
);
closeMcpDeps(deps);
