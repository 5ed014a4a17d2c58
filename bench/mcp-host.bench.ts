// Bench: cost of the mcp-host exposure layer over Streamable HTTP on loopback.
// Baseline = bare SDK McpServer + StreamableHTTPServerTransport behind a minimal node:http
// server (no checks); candidate = the same `ping` tool through serveHttp with a bearer
// authenticator (Host/Origin allow-lists, auth, body limit, session cap, binding).
// Each server runs in its own child process so the clients do not share its event loop.
// Run: npm run bench -- mcp-host
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bearerTokenAuthenticator, createLogger, serveHttp } from 'mcp-host';
import { pingServer, serveBaseline } from './lib/baseline-mcp.js';
import { connect, disconnect, drive, serverCpu, type Call } from './lib/mcp-client.js';
import { percentile } from './lib/stats.js';

const TOKEN = 'bench-token-0123456789abcdef';
const CONCURRENCY = [1, 8, 32];
const WARMUP_CALLS = 200;
const ROUNDS = 2;
const CALLS_PER_PASS = 500;
const RUN_TIME_CAP_MS = 6000;
const TOTAL_BUDGET_MS = 60_000;

type Kind = 'baseline' | 'mcp-host' | 'mcp-host-json';
// MCP_HOST_BENCH_JSON=1 adds serveHttp with jsonResponse (plain JSON answers instead of SSE).
const KINDS: Kind[] =
  process.env.MCP_HOST_BENCH_JSON === '1'
    ? ['baseline', 'mcp-host', 'mcp-host-json']
    : ['baseline', 'mcp-host'];
type Run = {
  server: Kind;
  concurrency: number;
  calls: number;
  p50Ms: number;
  p99Ms: number;
  callsPerSec: number;
  /** Server-process CPU time per call: robust to other load on a shared machine. */
  serverCpuUsPerCall: number;
};
type ServerProcess = { child: ChildProcess; url: string };

/** The candidate; `jsonResponse` answers POSTs with plain JSON instead of an SSE stream. */
async function serveCandidate(jsonResponse: boolean): Promise<string> {
  const host = await serveHttp(pingServer, {
    jsonResponse,
    authenticator: bearerTokenAuthenticator([{ principalId: 'bench:client', token: TOKEN }]),
    // All bench clients share one principal; let it use the whole cap (the default is a quarter).
    maxSessionsPerPrincipal: 64,
    logger: createLogger('bench-host', { level: 'warn' }),
  });
  return host.url;
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
      const match = /READY (\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited early (${code})`)));
  });
}

const ping: Call = async (client) => {
  const result = await client.callTool({ name: 'ping', arguments: {} });
  return result.isError !== true;
};

type Sample = { latencies: number[]; elapsedMs: number; serverCpuUs: number };

/** One measured pass: fresh clients (one session each), warm-up, then the timed calls. */
async function measureOnce(
  server: ServerProcess,
  concurrency: number,
  calls: number,
  capMs: number,
): Promise<Sample> {
  const clients = await Promise.all(Array.from({ length: concurrency }, () => connect(server.url, TOKEN)));
  try {
    await drive(clients, WARMUP_CALLS, capMs, () => ping);
    const cpuBefore = await serverCpu(server.child);
    const sample = await drive(clients, calls, capMs, () => ping);
    return { ...sample, serverCpuUs: (await serverCpu(server.child)) - cpuBefore };
  } finally {
    await Promise.allSettled(clients.map(disconnect));
  }
}

function summarize(server: Kind, concurrency: number, samples: Sample[]): Run {
  const latencies = samples.flatMap((s) => s.latencies);
  const elapsedMs = samples.reduce((sum, s) => sum + s.elapsedMs, 0);
  const cpuUs = samples.reduce((sum, s) => sum + s.serverCpuUs, 0);
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    server,
    concurrency,
    calls: latencies.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    callsPerSec: Math.round((latencies.length / elapsedMs) * 1000),
    serverCpuUsPerCall: Math.round(cpuUs / latencies.length),
  };
}

function ratioOf(runs: Run[], server: Kind, concurrency: number) {
  const base = runs.find((r) => r.server === 'baseline' && r.concurrency === concurrency)!;
  const host = runs.find((r) => r.server === server && r.concurrency === concurrency)!;
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return {
    server,
    concurrency,
    p50Ratio: ratio(host.p50Ms, base.p50Ms),
    p99Ratio: ratio(host.p99Ms, base.p99Ms),
    throughputRatio: ratio(host.callsPerSec, base.callsPerSec),
    serverCpuRatio: ratio(host.serverCpuUsPerCall, base.serverCpuUsPerCall),
  };
}

/**
 * Both servers run side by side and their passes alternate, so background load on
 * this shared machine hits baseline and candidate alike.
 */
async function main(): Promise<void> {
  const budgetEnd = Date.now() + TOTAL_BUDGET_MS;
  const servers = await Promise.all(KINDS.map(startServerProcess));
  const runs: Run[] = [];
  try {
    const passes = CONCURRENCY.length * ROUNDS * KINDS.length;
    let done = 0;
    for (const concurrency of CONCURRENCY) {
      const samples: Record<Kind, Sample[]> = { baseline: [], 'mcp-host': [], 'mcp-host-json': [] };
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? KINDS : [...KINDS].reverse();
        for (const kind of order) {
          const capMs = Math.max(500, Math.min(RUN_TIME_CAP_MS, (budgetEnd - Date.now()) / (passes - done)));
          const server = servers[KINDS.indexOf(kind)]!;
          samples[kind].push(await measureOnce(server, concurrency, CALLS_PER_PASS, capMs));
          done++;
        }
      }
      for (const kind of KINDS) {
        const run = summarize(kind, concurrency, samples[kind]);
        runs.push(run);
        console.log(
          `mcp-host bench: ${kind.padEnd(13)} c=${String(concurrency).padStart(2)} calls=${run.calls} ` +
            `p50=${run.p50Ms}ms p99=${run.p99Ms}ms ${run.callsPerSec} calls/s ` +
            `server CPU ${run.serverCpuUsPerCall} µs/call`,
        );
      }
    }
  } finally {
    for (const { child } of servers) child.kill('SIGTERM');
  }
  const ratios = KINDS.filter((k) => k !== 'baseline').flatMap((kind) =>
    CONCURRENCY.map((concurrency) => {
      const figures = ratioOf(runs, kind, concurrency);
      console.log(
        `mcp-host bench: ${kind} / baseline c=${String(concurrency).padStart(2)} p50 x${figures.p50Ratio} ` +
          `p99 x${figures.p99Ratio} throughput x${figures.throughputRatio} server CPU/call x${figures.serverCpuRatio}`,
      );
      return figures;
    }),
  );
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  const result = {
    bench: 'mcp-host',
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    tool: 'ping (text "pong"), SDK Client + StreamableHTTPClientTransport, one session per client',
    method: `${ROUNDS} alternating passes per server and concurrency, ${WARMUP_CALLS} warm-up + up to ${CALLS_PER_PASS} calls each`,
    runs,
    ratios,
  };
  writeFileSync(join(out, 'mcp-host.json'), JSON.stringify(result, null, 2) + '\n');
}

if (process.argv[2] === '--serve') {
  const kind = process.argv[3] as Kind;
  const url =
    kind === 'baseline' ? (await serveBaseline()).url : await serveCandidate(kind === 'mcp-host-json');
  process.on('message', () => process.send!(process.cpuUsage()));
  process.stdout.write(`READY ${url}\n`);
} else {
  await main();
}
