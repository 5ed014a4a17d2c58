// One server of the closegate-mcp bench (closegate-mcp-server.ts: same database, token and
// options, from the sources), driven at one concurrency after an optional sequence of earlier levels, with its
// pid printed before the measured calls so that perf or strace can attach to it.
//
//   node --conditions=source --import tsx bench/lib/closegate-mcp-one-server.ts \
//     <baseline|closegate> <clients> <calls> [pause-ms]
//
// Environment: WARM (warm-up calls at that level, default 300), SEQ (earlier levels, e.g.
// "32,32": 100 + 1000 calls each, CPU per call printed), SERVER_NODE_ARGS (extra node flags of
// the server, e.g. "--perf-basic-prof"). Attach during the pause, e.g.
//   perf record -F 4000 -g -p <pid>   or   strace -f -c -p <pid>
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { TOKEN } from './closegate-mcp-server.js';
import { connect, disconnect, drive, serverCpu, type Call } from './mcp-client.js';

const [kind = 'closegate', clientsArg = '1', callsArg = '2000', pauseArg = '0'] = process.argv.slice(2);
if (kind !== 'baseline' && kind !== 'closegate') throw new Error(`unknown server ${kind}`);

const server = fileURLToPath(new URL('./closegate-mcp-server.ts', import.meta.url));
const extraArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const child = spawn(process.execPath, [...process.execArgv, ...extraArgs, server, kind, 'source'], {
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    const match = /READY (\S+)/.exec(out);
    if (match) resolve(match[1]!);
  });
  child.once('exit', (code) => reject(new Error(`${kind} server exited early (${code})`)));
});

const tool = kind === 'baseline' ? 'ping' : 'get_recon_status';
const op: Call = async (client) => (await client.callTool({ name: tool, arguments: {} })).isError !== true;
const clientsOf = (n: number): Promise<Client[]> =>
  Promise.all(Array.from({ length: n }, () => connect(url, TOKEN)));

for (const level of (process.env.SEQ ?? '').split(',').filter(Boolean).map(Number)) {
  const clients = await clientsOf(level);
  await drive(clients, 100, 600_000, () => op);
  const before = await serverCpu(child);
  const s = await drive(clients, 1000, 600_000, () => op);
  const usPerCall = ((await serverCpu(child)) - before) / s.latencies.length;
  console.log(`earlier level c=${level}: server CPU ${Math.round(usPerCall)} µs/call`);
  await Promise.allSettled(clients.map(disconnect));
}

const clients = await clientsOf(Number(clientsArg));
await drive(clients, Number(process.env.WARM ?? 300), 600_000, () => op);
console.log(`PID ${child.pid}`);
if (Number(pauseArg) > 0) await new Promise((r) => setTimeout(r, Number(pauseArg)));
const before = await serverCpu(child);
const start = performance.now();
const s = await drive(clients, Number(callsArg), 600_000, () => op);
const elapsedMs = performance.now() - start;
const cpu = (await serverCpu(child)) - before;
const sorted = [...s.latencies].sort((a, b) => a - b);
console.log(
  `${kind} c=${clientsArg} calls=${sorted.length} errors=${s.errors} ${Math.round((sorted.length / elapsedMs) * 1000)} calls/s p50=${sorted[sorted.length >> 1]!.toFixed(3)}ms server CPU ${Math.round(cpu / sorted.length)} µs/call`,
);
await Promise.allSettled(clients.map(disconnect));
child.kill('SIGTERM');
process.exit(0);
