// Bench: closegate MCP tool calls over Streamable HTTP on loopback.
// Baseline = bare SDK McpServer with a trivial `ping` tool behind a minimal node:http server,
// measured in the same run. Candidate = closegate `get_recon_status` (T0: status queries + its
// MCP_TOOL_CALL audit append) through serveHttp with a bearer token, on the demo pack.
// Then a mixed load: 80% reads, 20% writes (flag_exception / escalate_match, fresh idempotency keys).
// Each server runs in its own child process so clients do not share its event loop.
// Run: npm run bench -- closegate-mcp
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEngine } from 'closegate-engine';
import { createLogger } from 'mcp-host';
import { serveBaseline } from './lib/baseline-mcp.js';
import { connect, disconnect, drive, serverCpu, type Call } from './lib/mcp-client.js';
import { percentile } from './lib/stats.js';
import {
  closeMcpDeps,
  httpAuthFromEnv,
  openMcpDeps,
  serveCloseGateHttp,
} from '../packages/closegate-engine/src/mcp/index.js';

const TOKEN = 'bench-token-0123456789abcdef';
const ACTOR = 'llm:bench-agent';
const CONCURRENCY = [1, 8, 32];
const WARMUP_CALLS = 100;
const CALLS_PER_LEVEL = 1000;
const MIXED_CALLS = 1000;
const MIXED_CONCURRENCY = 32;
const LEVEL_CAP_MS = 20_000;
const EXTRA_PAIRS = 600;

type Kind = 'baseline' | 'closegate';
type Targets = { flag: number[]; escalate: number[] };
type ServerProcess = { child: ChildProcess; url: string; targets: Targets };
type Run = {
  server: string;
  tool: string;
  concurrency: number;
  calls: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  callsPerSec: number;
  /** Server-process CPU per call: robust to other load on a shared machine. */
  serverCpuUsPerCall?: number;
};

function prepareDatabase(): { dbPath: string; targets: Targets } {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'closegate-mcp-bench-')), 'recon.db');
  const engine = openEngine({ dbPath });
  try {
    engine.seedDemo();
    const rows = [
      'source,entity,account_code,posting_date,amount,currency,reference,description,counterparty',
    ];
    for (let i = 0; i < EXTRA_PAIRS; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const amount = `${100 + i}.${String(i % 100).padStart(2, '0')}`;
      rows.push(`gl,US01,1010,2026-03-${day},${amount},USD,BENCH-${i},Bench receipt ${i},Bench Co`);
      rows.push(`bank,US01,1010,2026-03-${day},${amount},USD,BENCH-${i},Bench receipt ${i},Bench Co`);
    }
    engine.operations.importCsv({ actor: 'human:bench-setup', csv: rows.join('\n') + '\n', batch: 'bench' });
    const byRef = new Map<string, number[]>();
    for (const e of engine.queries
      .unmatched({ limit: 1000, afterId: 0 })
      .concat(engine.queries.unmatched({ limit: 1000, afterId: 1000 }))) {
      if (e.reference.startsWith('BENCH-')) byRef.set(e.reference, [...(byRef.get(e.reference) ?? []), e.id]);
    }
    const targets: Targets = { flag: [], escalate: [] };
    let i = 0;
    for (const ids of byRef.values()) {
      if (i++ % 2 === 0) {
        const r = engine.operations.propose({
          actor: 'llm:bench-setup',
          idempotencyKey: `setup-${i}`,
          entryIds: ids,
        });
        targets.escalate.push(r.matchId!);
      } else targets.flag.push(...ids);
    }
    return { dbPath, targets };
  } finally {
    engine.close();
  }
}

async function serveClosegate(): Promise<{ url: string; targets: Targets }> {
  const { dbPath, targets } = prepareDatabase();
  const env = { CLOSEGATE_AUTH_BACKEND: 'token', CLOSEGATE_HTTP_TOKENS: `${ACTOR}=${TOKEN}` };
  const deps = openMcpDeps({ dbPath, env, logger: createLogger('bench', { level: 'warn' }) });
  const host = await serveCloseGateHttp(
    deps,
    // All bench clients share one actor; let it use the whole session cap (default: a quarter).
    { host: '127.0.0.1', port: 0, maxSessionsPerPrincipal: 64 },
    httpAuthFromEnv(env, () => 'x'),
  );
  process.on('SIGTERM', () => {
    void host.close().finally(() => {
      closeMcpDeps(deps);
      process.exit(0);
    });
  });
  return { url: host.url, targets };
}

function startServerProcess(kind: Kind): Promise<ServerProcess> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, self, '--serve', kind], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const match = /READY (\S+) (.*)\n/.exec(out);
      if (match) resolve({ child, url: match[1]!, targets: JSON.parse(match[2]!) as Targets });
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited early (${code})`)));
  });
}

function summarize(
  server: string,
  tool: string,
  concurrency: number,
  s: { latencies: number[]; errors: number; elapsedMs: number },
): Run {
  const sorted = [...s.latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    server,
    tool,
    concurrency,
    calls: sorted.length,
    errors: s.errors,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    callsPerSec: Math.round((sorted.length / s.elapsedMs) * 1000),
  };
}

const callTool =
  (name: string, args: () => Record<string, unknown> = () => ({})): Call =>
  async (client) => {
    const r = await client.callTool({ name, arguments: args() });
    return r.isError !== true;
  };

async function measure(server: ServerProcess, tool: string, concurrency: number): Promise<Run> {
  const clients = await Promise.all(Array.from({ length: concurrency }, () => connect(server.url, TOKEN)));
  try {
    const op = callTool(tool);
    await drive(clients, WARMUP_CALLS, LEVEL_CAP_MS, () => op);
    const cpuBefore = await serverCpu(server.child);
    const sample = await drive(clients, CALLS_PER_LEVEL, LEVEL_CAP_MS, () => op);
    const cpu = (await serverCpu(server.child)) - cpuBefore;
    const run = summarize(tool === 'ping' ? 'baseline' : 'closegate', tool, concurrency, sample);
    return { ...run, serverCpuUsPerCall: Math.round(cpu / run.calls) };
  } finally {
    await Promise.allSettled(clients.map(disconnect));
  }
}

/** 80% reads (status, exceptions), 20% writes (flag_exception, escalate_match) with fresh keys. */
async function measureMixed(server: ServerProcess): Promise<{ run: Run; writes: number }> {
  const clients = await Promise.all(
    Array.from({ length: MIXED_CONCURRENCY }, () => connect(server.url, TOKEN)),
  );
  const flag = [...server.targets.flag];
  const escalate = [...server.targets.escalate];
  let n = 0;
  let writes = 0;
  const next = (): Call => {
    const slot = n++ % 10;
    if (slot === 0 && flag.length > 0) {
      writes++;
      const entry = flag.pop()!;
      return callTool('flag_exception', () => ({
        entry_id: entry,
        reason: 'bench: needs review',
        idempotency_key: randomUUID(),
      }));
    }
    if (slot === 5 && escalate.length > 0) {
      writes++;
      const match = escalate.pop()!;
      return callTool('escalate_match', () => ({
        match_id: match,
        reason: 'bench: second look',
        idempotency_key: randomUUID(),
      }));
    }
    return slot % 2 === 0 ? callTool('get_recon_status') : callTool('list_exceptions', () => ({ limit: 20 }));
  };
  try {
    const status = callTool('get_recon_status');
    await drive(clients, WARMUP_CALLS, LEVEL_CAP_MS, () => status);
    const cpuBefore = await serverCpu(server.child);
    const sample = await drive(clients, MIXED_CALLS, LEVEL_CAP_MS, next);
    const cpu = (await serverCpu(server.child)) - cpuBefore;
    const run = summarize('closegate', 'mixed 80% read / 20% write', MIXED_CONCURRENCY, sample);
    return { run: { ...run, serverCpuUsPerCall: Math.round(cpu / run.calls) }, writes };
  } finally {
    await Promise.allSettled(clients.map(disconnect));
  }
}

const line = (r: Run) =>
  `closegate-mcp bench: ${r.server.padEnd(9)} ${r.tool.padEnd(16)} c=${String(r.concurrency).padStart(2)} calls=${r.calls} errors=${r.errors} p50=${r.p50Ms}ms p99=${r.p99Ms}ms ${r.callsPerSec} calls/s server CPU ${r.serverCpuUsPerCall ?? '?'} µs/call`;

async function main(): Promise<void> {
  const started = Date.now();
  const [baseline, closegate] = await Promise.all([
    startServerProcess('baseline'),
    startServerProcess('closegate'),
  ]);
  const runs: Run[] = [];
  const ratios: Record<string, number>[] = [];
  let mixed: { run: Run; writes: number } | undefined;
  try {
    for (const concurrency of CONCURRENCY) {
      const base = await measure(baseline, 'ping', concurrency);
      const cg = await measure(closegate, 'get_recon_status', concurrency);
      runs.push(base, cg);
      console.log(line(base));
      console.log(line(cg));
      const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
      const r = {
        concurrency,
        p50Ratio: ratio(cg.p50Ms, base.p50Ms),
        p99Ratio: ratio(cg.p99Ms, base.p99Ms),
        throughputRatio: ratio(cg.callsPerSec, base.callsPerSec),
        serverCpuRatio: ratio(cg.serverCpuUsPerCall!, base.serverCpuUsPerCall!),
      };
      ratios.push(r);
      console.log(
        `closegate-mcp bench: ratio to baseline c=${String(concurrency).padStart(2)} p50 x${r.p50Ratio} p99 x${r.p99Ratio} throughput x${r.throughputRatio} server CPU/call x${r.serverCpuRatio}`,
      );
    }
    mixed = await measureMixed(closegate);
    console.log(`${line(mixed.run)} (writes=${mixed.writes})`);
  } finally {
    for (const { child } of [baseline, closegate]) child.kill('SIGTERM');
  }
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  const result = {
    bench: 'closegate-mcp',
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    method: `SDK Client + StreamableHTTPClientTransport, one session per client; ${WARMUP_CALLS} warm-up + up to ${CALLS_PER_LEVEL} calls per level; baseline = bare SDK server with a ping tool; closegate = get_recon_status (T0, with its audit append) via serveHttp + bearer token on the demo pack`,
    targets: { p50Ms: 1, p99Ms: 5, callsPerSecAt32: 3000 },
    runs,
    ratios,
    mixed: mixed ? { ...mixed.run, writes: mixed.writes } : null,
    elapsedMs: Date.now() - started,
  };
  writeFileSync(join(out, 'closegate-mcp.json'), JSON.stringify(result, null, 2) + '\n');
}

if (process.argv[2] === '--serve') {
  const kind = process.argv[3] as Kind;
  const { url, targets } =
    kind === 'baseline'
      ? { url: (await serveBaseline()).url, targets: { flag: [], escalate: [] } }
      : await serveClosegate();
  process.on('message', () => process.send!(process.cpuUsage()));
  process.stdout.write(`READY ${url} ${JSON.stringify(targets)}\n`);
} else {
  await main();
  // Client sockets and child pipes must not keep the bench alive once the figures are written.
  process.exit(0);
}
