// Bench: closegate MCP tool calls over Streamable HTTP on loopback.
// Baseline = bare SDK McpServer with a trivial `ping` tool behind a minimal node:http server,
// measured in the same run. Candidate = closegate `get_recon_status` (T0: status queries + its
// MCP_TOOL_CALL audit append) through serveHttp with a bearer token, on the demo pack.
// Then a mixed load: 80% reads, 20% writes (flag_exception / escalate_match, fresh idempotency keys).
// Each server runs in its own child process so clients do not share its event loop.
// Rounds (CLOSEGATE_MCP_BENCH_ROUNDS, default 3) interleave baseline and closegate per level,
// alternating which goes first; the ratio reported per level is the median over the rounds.
// Differential check: after the run the closegate database must hold exactly one MCP_TOOL_CALL
// event per call made (per tool and decision) and the chain must verify.
// Profiles: CLOSEGATE_MCP_BENCH_PROFILE=DIR writes a V8 CPU profile of each server over each
// measured level (DIR/<server>-c<N>-r<round>.cpuprofile); summarise with bench/lib/cpu-profile-summary.ts.
// Servers run the compiled dist (built here with `tsc -b`), as they ship: from TypeScript through
// tsx every named closure pays for esbuild's keepNames. CLOSEGATE_MCP_BENCH_TARGET=source runs the
// sources instead. Each server first answers CLOSEGATE_MCP_BENCH_WARMUP (default 3000) unmeasured
// calls: a long-lived server is measured once V8 has optimised its request path, not while it does.
// Run: npm run bench -- closegate-mcp
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditChain, openSqlite } from 'audit-chain';
import { TOKEN, type Kind, type Targets } from './lib/closegate-mcp-server.js';
import { connect, disconnect, drive, serverCpu, type Call } from './lib/mcp-client.js';
import { percentile } from './lib/stats.js';

const CONCURRENCY = [1, 8, 32];
const WARMUP_CALLS = 100;
const SERVER_WARMUP_CALLS = Math.max(0, Number(process.env.CLOSEGATE_MCP_BENCH_WARMUP ?? 3000) || 0);
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_ENTRY = join(REPO, 'bench/lib/closegate-mcp-server.ts');
const CALLS_PER_LEVEL = 1000;
const MIXED_CALLS = 1000;
const MIXED_CONCURRENCY = 32;
const LEVEL_CAP_MS = 20_000;
const ROUNDS = Math.max(1, Number(process.env.CLOSEGATE_MCP_BENCH_ROUNDS ?? 3) || 1);
const PROFILE_DIR = process.env.CLOSEGATE_MCP_BENCH_PROFILE || undefined;

type ServerProcess = {
  kind: Kind;
  child: ChildProcess;
  url: string;
  targets: Targets;
  /** closegate only: its database, and the audit seq before the first call. */
  dbPath?: string;
  startSeq?: number;
};
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

/**
 * What the server children run: the compiled dist when it builds (children then resolve every
 * workspace package to its dist, never its sources), else the sources through tsx.
 */
function serverTarget(): { target: 'dist' | 'source'; execArgv: string[] } {
  if (process.env.CLOSEGATE_MCP_BENCH_TARGET !== 'source') {
    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
    const built = spawnSync(process.execPath, [tsc, '-b', 'packages/closegate-engine'], {
      cwd: REPO,
      stdio: 'ignore',
    });
    if (built.status === 0) {
      const execArgv = process.execArgv.filter((a) => a !== '--conditions=source');
      return { target: 'dist', execArgv };
    }
    console.error('closegate-mcp bench: the build failed, serving the sources through tsx');
  }
  return { target: 'source', execArgv: process.execArgv };
}

const SERVER = serverTarget();

function startServerProcess(kind: Kind): Promise<ServerProcess> {
  const { target, execArgv } = SERVER;
  const child = spawn(process.execPath, [...execArgv, SERVER_ENTRY, kind, target], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const match = /READY (\S+) (.*)\n/.exec(out);
      if (match) {
        const ready = JSON.parse(match[2]!) as Omit<ServerProcess, 'kind' | 'child' | 'url'>;
        resolve({ kind, child, url: match[1]!, ...ready });
      }
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

/** Calls answered per closegate tool, counted on the client side, for the differential check. */
const callsMade = new Map<string, number>();

const callTool =
  (name: string, args: () => Record<string, unknown> = () => ({})): Call =>
  async (client) => {
    const r = await client.callTool({ name, arguments: args() });
    if (name !== 'ping') callsMade.set(name, (callsMade.get(name) ?? 0) + 1); // ping is the baseline's
    return r.isError !== true;
  };

/** Asks a server child to start or stop (and write) its CPU profile; resolves when it did. */
function profileControl(child: ChildProcess, message: string): Promise<void> {
  return new Promise((resolve) => {
    child.once('message', () => resolve());
    child.send(message);
  });
}

async function measure(
  server: ServerProcess,
  tool: string,
  concurrency: number,
  round: number,
): Promise<Run> {
  const clients = await Promise.all(Array.from({ length: concurrency }, () => connect(server.url, TOKEN)));
  try {
    const op = callTool(tool);
    await drive(clients, WARMUP_CALLS, LEVEL_CAP_MS, () => op);
    if (PROFILE_DIR) await profileControl(server.child, 'profile-start');
    const cpuBefore = await serverCpu(server.child);
    const sample = await drive(clients, CALLS_PER_LEVEL, LEVEL_CAP_MS, () => op);
    const cpu = (await serverCpu(server.child)) - cpuBefore;
    if (PROFILE_DIR)
      await profileControl(
        server.child,
        `profile-stop ${join(PROFILE_DIR, `${server.kind}-c${concurrency}-r${round}.cpuprofile`)}`,
      );
    const run = summarize(tool === 'ping' ? 'baseline' : 'closegate', tool, concurrency, sample);
    return { ...run, serverCpuUsPerCall: Math.round(cpu / run.calls) };
  } finally {
    await Promise.allSettled(clients.map(disconnect));
  }
}

/** Unmeasured calls at 8 clients, once per server before the first round. */
async function warmUp(server: ServerProcess, tool: string): Promise<void> {
  if (SERVER_WARMUP_CALLS === 0) return;
  const clients = await Promise.all(Array.from({ length: 8 }, () => connect(server.url, TOKEN)));
  try {
    await drive(clients, SERVER_WARMUP_CALLS, 4 * LEVEL_CAP_MS, () => callTool(tool));
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

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

type Differential = {
  ok: boolean;
  auditEventsAdded: number;
  callsMade: Record<string, number>;
  /** MCP_TOOL_CALL events written during the run, per tool and decision. */
  decisions: Record<string, Record<string, number>>;
  otherEventsAdded: Record<string, number>;
  verify: string;
  problems: string[];
};

/**
 * After the servers stopped: the closegate database must hold exactly one MCP_TOOL_CALL event
 * per call answered (per tool), every get_recon_status call must be `allow`, and the whole chain
 * must verify. The decisions per tool are printed so that two runs (before and after a change)
 * can be compared: same events per call, same gate decisions.
 */
function differentialCheck(dbPath: string, startSeq: number): Differential {
  const db = openSqlite(dbPath, { readonly: true });
  try {
    const chain = new AuditChain(db);
    const rows = db
      .prepare(
        `SELECT type, json_extract(payload, '$.tool') AS tool, json_extract(payload, '$.decision') AS decision,
                COUNT(*) AS n FROM audit_events WHERE seq > ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      )
      .all(startSeq) as { type: string; tool: string | null; decision: string | null; n: number }[];
    const decisions: Record<string, Record<string, number>> = {};
    const otherEventsAdded: Record<string, number> = {};
    let added = 0;
    for (const r of rows) {
      added += r.n;
      if (r.type !== 'MCP_TOOL_CALL') {
        otherEventsAdded[r.type] = (otherEventsAdded[r.type] ?? 0) + r.n;
        continue;
      }
      (decisions[r.tool ?? '?'] ??= {})[r.decision ?? '?'] = r.n;
    }
    const problems: string[] = [];
    const made = Object.fromEntries([...callsMade].sort());
    for (const tool of new Set([...Object.keys(made), ...Object.keys(decisions)])) {
      const events = Object.values(decisions[tool] ?? {}).reduce((a, b) => a + b, 0);
      if (events !== (made[tool] ?? 0))
        problems.push(`${tool}: ${made[tool] ?? 0} calls but ${events} MCP_TOOL_CALL events`);
    }
    const status = decisions.get_recon_status ?? {};
    if (Object.keys(status).some((d) => d !== 'allow'))
      problems.push(`get_recon_status decisions other than allow: ${JSON.stringify(status)}`);
    const v = chain.verify();
    const verify = v.ok ? `ok (${v.count} events)` : `FAILED at seq ${v.brokenSeq}: ${v.reason}`;
    if (!v.ok) problems.push(`verify: ${verify}`);
    return {
      ok: problems.length === 0,
      auditEventsAdded: added,
      callsMade: made,
      decisions,
      otherEventsAdded,
      verify,
      problems,
    };
  } finally {
    db.close();
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
  const [baseline, closegate] = await Promise.all([
    startServerProcess('baseline'),
    startServerProcess('closegate'),
  ]);
  const runs: (Run & { round: number })[] = [];
  const perRound: Record<string, number | string>[] = [];
  const load: number[] = [];
  let mixed: { run: Run; writes: number } | undefined;
  console.log(
    `closegate-mcp bench: servers run ${SERVER.target}; ${SERVER_WARMUP_CALLS} warm-up calls each before round 1`,
  );
  try {
    await warmUp(baseline, 'ping');
    await warmUp(closegate, 'get_recon_status');
    for (let round = 1; round <= ROUNDS; round++) {
      for (const concurrency of CONCURRENCY) {
        load.push(loadavg()[0]!);
        // alternate which server goes first, so drift in the machine's load does not favour one
        const closegateFirst = round % 2 === 0;
        const first = closegateFirst
          ? await measure(closegate, 'get_recon_status', concurrency, round)
          : await measure(baseline, 'ping', concurrency, round);
        const second = closegateFirst
          ? await measure(baseline, 'ping', concurrency, round)
          : await measure(closegate, 'get_recon_status', concurrency, round);
        const [base, cg] = closegateFirst ? [second, first] : [first, second];
        runs.push({ ...base, round }, { ...cg, round });
        console.log(line(base));
        console.log(line(cg));
        const r = {
          round,
          concurrency,
          p50Ratio: ratio(cg.p50Ms, base.p50Ms),
          p99Ratio: ratio(cg.p99Ms, base.p99Ms),
          throughputRatio: ratio(cg.callsPerSec, base.callsPerSec),
          serverCpuRatio: ratio(cg.serverCpuUsPerCall!, base.serverCpuUsPerCall!),
        };
        perRound.push(r);
        console.log(
          `closegate-mcp bench: round ${round} ratio to baseline c=${String(concurrency).padStart(2)} p50 x${r.p50Ratio} p99 x${r.p99Ratio} throughput x${r.throughputRatio} server CPU/call x${r.serverCpuRatio} (load ${loadavg()[0]!.toFixed(2)})`,
        );
      }
    }
    mixed = await measureMixed(closegate);
    console.log(`${line(mixed.run)} (writes=${mixed.writes})`);
  } finally {
    for (const { child } of [baseline, closegate]) child.kill('SIGTERM');
  }
  await Promise.all([baseline, closegate].map((s) => waitForExit(s.child)));
  const ratios = CONCURRENCY.map((concurrency) => {
    const mine = perRound.filter((r) => r.concurrency === concurrency);
    const pick = (k: string) => median(mine.map((r) => r[k] as number));
    const cgRuns = runs.filter((r) => r.server === 'closegate' && r.concurrency === concurrency);
    const baseRuns = runs.filter((r) => r.server === 'baseline' && r.concurrency === concurrency);
    const out = {
      concurrency,
      rounds: mine.length,
      throughputRatio: pick('throughputRatio'),
      throughputRatioMin: Math.min(...mine.map((r) => r.throughputRatio as number)),
      throughputRatioMax: Math.max(...mine.map((r) => r.throughputRatio as number)),
      p50Ratio: pick('p50Ratio'),
      p99Ratio: pick('p99Ratio'),
      serverCpuRatio: pick('serverCpuRatio'),
      closegateServerCpuUsPerCall: median(cgRuns.map((r) => r.serverCpuUsPerCall!)),
      baselineServerCpuUsPerCall: median(baseRuns.map((r) => r.serverCpuUsPerCall!)),
    };
    console.log(
      `closegate-mcp bench: MEDIAN of ${out.rounds} rounds c=${String(concurrency).padStart(2)} throughput x${out.throughputRatio} (x${out.throughputRatioMin}-x${out.throughputRatioMax}) p50 x${out.p50Ratio} server CPU/call x${out.serverCpuRatio} (${out.closegateServerCpuUsPerCall} vs ${out.baselineServerCpuUsPerCall} µs)`,
    );
    return out;
  });
  const differential = differentialCheck(closegate.dbPath!, closegate.startSeq!);
  console.log(
    `closegate-mcp bench: differential check ${differential.ok ? 'OK' : 'FAILED'}: calls ${JSON.stringify(differential.callsMade)}; MCP_TOOL_CALL events by tool/decision ${JSON.stringify(differential.decisions)}; other events ${JSON.stringify(differential.otherEventsAdded)}; verify ${differential.verify}${differential.ok ? '' : `; ${differential.problems.join('; ')}`}`,
  );
  console.log(
    `closegate-mcp bench: load average during the run ${Math.min(...load).toFixed(2)}-${Math.max(...load).toFixed(2)} (1 min), ${cpus().length} CPUs`,
  );
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  const result = {
    bench: 'closegate-mcp',
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAverage1m: { min: Math.min(...load), max: Math.max(...load) },
    profiled: PROFILE_DIR !== undefined,
    target: SERVER.target,
    method: `SDK Client + StreamableHTTPClientTransport, one session per client; ${SERVER_WARMUP_CALLS} warm-up calls per server at 8 clients before round 1, then ${WARMUP_CALLS} warm-up + up to ${CALLS_PER_LEVEL} calls per level; ${ROUNDS} rounds, baseline and closegate interleaved per level (alternating first); baseline = bare SDK server with a ping tool; closegate = get_recon_status (T0, with its audit append) via serveHttp + bearer token on the demo pack`,
    targets: { throughputRatioMin: 0.9, p50Ms: 1, p99Ms: 5, callsPerSecAt32: 3000 },
    runs,
    perRound,
    ratios,
    mixed: mixed ? { ...mixed.run, writes: mixed.writes } : null,
    differential,
    elapsedMs: Date.now() - started,
  };
  writeFileSync(join(out, 'closegate-mcp.json'), JSON.stringify(result, null, 2) + '\n');
  if (!differential.ok) process.exitCode = 1;
}

await main();
// Client sockets and child pipes must not keep the bench alive once the figures are written.
process.exit();
