// Gateway overhead per request: the same fake `claude` spawned directly
// (baseline) vs called through `claude_request` over the stdio MCP SDK client
// (gateway: admission, env allow-list, temp cwd, process group, parsing,
// flight-recorder start + completion rows with their hash chain). The two are
// interleaved request by request so drift hits both; the figure that matters
// is the per-pair difference. Loopback only, bounded loops.
// Run: npm run bench -- gateway-overhead   (writes bench/results/gateway-overhead.json)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { latencyStats as stats } from './lib/stats.js';

const WARMUP = 20;
const REQUESTS = 200;
const TARGET_P50_MS = 3;

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const fakeDir = path.join(repo, 'packages/llm-cli-gateway/test/fake-clis');
const fakeClaude = path.join(fakeDir, 'claude');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-overhead-'));
const env: Record<string, string> = {
  PATH: `${fakeDir}${path.delimiter}${process.env.PATH ?? ''}`,
  HOME: tmp,
  LLM_GATEWAY_HOME: path.join(tmp, 'gw'),
  MCP_LOG_LEVEL: 'silent',
};
const ARGS = ['-p', '--output-format=json', '--', 'hello'];

/** CPU the bench process itself spends spawning and reaping the direct runs (the baseline's share). */
let directCpuMicros = 0;

function direct(): Promise<number> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const child = spawn(fakeClaude, ARGS, { env, cwd: tmp, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const used = process.cpuUsage(cpu);
      directCpuMicros += used.user + used.system;
      if (code !== 0 || !out.includes('"is_error":false'))
        reject(new Error(`direct run failed: ${code} ${out}`));
      else resolve(performance.now() - start);
    });
    child.stdin.end('');
  });
}

async function viaGateway(client: Client): Promise<number> {
  const start = performance.now();
  const res = await client.callTool({ name: 'claude_request', arguments: { prompt: 'hello' } });
  if (res.isError) throw new Error(`gateway call failed: ${JSON.stringify(res.content)}`);
  return performance.now() - start;
}

/** A tool that spawns nothing: the MCP stdio round trip alone, for context. */
async function cheapTool(client: Client): Promise<number> {
  const start = performance.now();
  await client.callTool({ name: 'list_models', arguments: { cli: 'claude' } });
  return performance.now() - start;
}

/**
 * CPU time (user + system, ms) the gateway process has used so far, from
 * /proc: unlike wall-clock latency it does not grow with other load on the machine.
 */
function cpuMs(pid: number | null): number | undefined {
  if (pid === null) return undefined;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
  } catch {
    return undefined;
  }
}

/**
 * The gateway as it ships: the compiled bin (built here with `tsc -b`). Run
 * from TypeScript through tsx the process is about twice as big, and every
 * fork of it (one per request) costs more. Falls back to the sources.
 */
function gatewayCommand(): { args: string[]; target: string } {
  const built = spawnSync(
    process.execPath,
    [path.join(repo, 'node_modules/typescript/bin/tsc'), '-b', 'packages/llm-cli-gateway'],
    {
      cwd: repo,
      stdio: 'ignore',
    },
  );
  const bin = path.join(repo, 'packages/llm-cli-gateway/dist/cli/main.js');
  if (built.status === 0 && fs.existsSync(bin)) return { args: [bin], target: 'dist (compiled bin)' };
  return {
    args: ['--conditions=source', '--import', 'tsx', 'packages/llm-cli-gateway/src/cli/main.ts'],
    target: 'source via tsx (build failed)',
  };
}

async function main(): Promise<void> {
  const gatewayCmd = gatewayCommand();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: gatewayCmd.args,
    cwd: repo,
    env,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'gateway-overhead-bench', version: '1.0.0' });
  await client.connect(transport);
  try {
    for (let i = 0; i < WARMUP; i++) {
      await direct();
      await viaGateway(client);
    }
    const baseline: number[] = [];
    const gateway: number[] = [];
    const diff: number[] = [];
    const cpuBefore = cpuMs(transport.pid);
    directCpuMicros = 0;
    for (let i = 0; i < REQUESTS; i++) {
      // Alternate which goes first so ordering effects cancel out.
      const [b, g] =
        i % 2 === 0
          ? [await direct(), await viaGateway(client)]
          : await (async () => {
              const gg = await viaGateway(client);
              return [await direct(), gg];
            })();
      baseline.push(b);
      gateway.push(g);
      diff.push(g - b);
    }
    const cpuAfter = cpuMs(transport.pid);
    const gatewayCpuMsPerRequest =
      cpuBefore === undefined || cpuAfter === undefined
        ? null
        : Math.round(((cpuAfter - cpuBefore) / REQUESTS) * 100) / 100;
    const roundTrip: number[] = [];
    for (let i = 0; i < REQUESTS; i++) roundTrip.push(await cheapTool(client));
    const results = {
      bench: 'gateway-overhead',
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      // Other work on the machine inflates both paths; the gateway path (one more process to schedule) more.
      loadAverage1mAtEnd: Math.round(os.loadavg()[0]! * 100) / 100,
      gateway: gatewayCmd.target,
      warmup: WARMUP,
      requests: REQUESTS,
      unit: 'ms',
      baselineDirectSpawn: stats(baseline),
      gatewayClaudeRequest: stats(gateway),
      addedPerRequest: stats(diff),
      mcpRoundTripNoSpawn: stats(roundTrip),
      gatewayCpuMsPerRequest,
      directSpawnCpuMsPerRequest: Math.round((directCpuMicros / 1000 / REQUESTS) * 100) / 100,
      ratioP50: Math.round((stats(gateway).p50 / stats(baseline).p50) * 100) / 100,
      targetAddedP50Ms: TARGET_P50_MS,
    };
    const b = results.baselineDirectSpawn;
    const g = results.gatewayClaudeRequest;
    const d = results.addedPerRequest;
    console.log(`gateway under test: ${gatewayCmd.target}`);
    console.log(`baseline (fake claude spawned directly): p50 ${b.p50} ms, p99 ${b.p99} ms (n=${b.n})`);
    console.log(
      `gateway (claude_request over stdio MCP): p50 ${g.p50} ms, p99 ${g.p99} ms, ratio p50 ${results.ratioP50}x`,
    );
    console.log(
      `added per request: p50 ${d.p50} ms, p99 ${d.p99} ms (target p50 <= ${TARGET_P50_MS} ms: ${d.p50 <= TARGET_P50_MS ? 'met' : 'NOT met'})`,
    );
    const m = results.mcpRoundTripNoSpawn;
    console.log(
      `MCP stdio round trip of a tool that spawns nothing (list_models): p50 ${m.p50} ms, p99 ${m.p99} ms`,
    );
    console.log(
      `CPU per request (user+sys): gateway process ${gatewayCpuMsPerRequest} ms vs ` +
        `${results.directSpawnCpuMsPerRequest} ms for the bench process spawning the baseline directly`,
    );
    fs.mkdirSync(path.join(here, 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(here, 'results', 'gateway-overhead.json'),
      JSON.stringify(results, null, 2) + '\n',
    );
  } finally {
    await client.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
