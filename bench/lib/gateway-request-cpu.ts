/**
 * CPU per `claude_request` of the gateway in-process (issue #22, docs/profiles/gateway-request.md):
 * the real stdio server (`serveStdio(createGatewayServer(createGateway()))`) on in-memory streams,
 * fed `tools/call claude_request` JSON-RPC lines one at a time, with the instant fake `claude`
 * first on PATH and a temporary LLM_GATEWAY_HOME. So the SDK's parse and zod, mcp-host's guard,
 * the tool handler, the plane, the recorder, the spawn, the redaction and the reply's
 * serialisation are all in; the fake's own CPU is not (another process).
 * Prints `process.cpuUsage()` (user + sys) and minor page faults per measured request.
 *
 * Run (source):  node --conditions=source --import tsx bench/lib/gateway-request-cpu.ts
 * Run (a build): node --import tsx bench/lib/gateway-request-cpu.ts --dist packages/llm-cli-gateway/dist
 *   (an older build to compare against sits next to dist, e.g. dist-before, so its bare imports resolve)
 * A/B in one process: --against OTHER_DIST runs a second build on its own streams and home, the
 *   two alternating request by request (each side's figures are its own requests' CPU).
 * Options: --warmup N (default 800), --requests N (default 300), --json, --hold SECONDS
 *   (after warm-up, print the pid and wait that long before measuring: time to attach `perf record -p`),
 *   --cpu-prof FILE (V8 sampling profile of the measured requests only, warm-up excluded; summarise it
 *   with bench/lib/cpu-profile-summary.ts), --alloc-prof FILE (V8 sampling heap profile of the
 *   measured requests, collected objects included: where the request path allocates).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { serveStdio } from 'mcp-host';
import type * as GatewayModule from 'llm-cli-gateway';

const argv = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
}
const warmup = Number(option('--warmup') ?? 800);
const requests = Number(option('--requests') ?? 300);
const hold = Number(option('--hold') ?? 0);
const json = argv.includes('--json');
const dist = option('--dist');
const against = option('--against');
const cpuProf = option('--cpu-prof');
const allocProf = option('--alloc-prof');

const repo = resolve(import.meta.dirname, '../..');
const fakeDir = join(repo, 'packages/llm-cli-gateway/test/fake-clis');
const tmp = mkdtempSync(join(tmpdir(), 'gateway-request-cpu-'));
process.env.PATH = `${fakeDir}${delimiter}${process.env.PATH ?? ''}`;

interface Side {
  readonly build: string;
  claudeRequest(): Promise<void>;
  close(): Promise<void>;
}

/** One gateway build serving on its own in-memory streams, with its own LLM_GATEWAY_HOME. */
async function startSide(build: string | undefined, label: string): Promise<Side> {
  const gw: typeof GatewayModule =
    build === undefined
      ? await import('llm-cli-gateway')
      : ((await import(pathToFileURL(resolve(build, 'index.js')).href)) as typeof GatewayModule);
  // Read once, at creation: each build gets its own logs.db and sessions.
  process.env.LLM_GATEWAY_HOME = join(tmp, `home-${label}`);
  const gateway = gw.createGateway({ env: process.env });
  await gateway.ready;
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const host = await serveStdio(
    gw.createGatewayServer(gateway),
    { id: 'bench', transport: 'stdio' },
    { stdin, stdout, guardConsole: false },
  );

  // Answers by JSON-RPC id, read line by line from the server's stdout.
  type Answer = { id?: number; result?: { isError?: boolean }; error?: unknown };
  const waiting = new Map<number, (message: Answer) => void>();
  let buffered = '';
  stdout.setEncoding('utf8');
  stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const message = JSON.parse(line) as Answer;
      if (typeof message.id === 'number') waiting.get(message.id)?.(message);
    }
  });
  let nextId = 1;
  const call = (method: string, params: unknown): Promise<Answer> => {
    const id = nextId++;
    return new Promise((done) => {
      waiting.set(id, (message) => {
        waiting.delete(id);
        done(message);
      });
      stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    });
  };
  await call('initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'gateway-request-cpu', version: '0' },
  });
  stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
  return {
    build: build ?? 'source',
    async claudeRequest() {
      const answer = await call('tools/call', { name: 'claude_request', arguments: { prompt: 'hello' } });
      if (answer.error !== undefined || answer.result?.isError === true) {
        throw new Error(`claude_request failed: ${JSON.stringify(answer)}`);
      }
      // The completion row is written in the check phase after the reply: let it land here.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
    },
    close: async () => {
      await host.close();
      await gateway.close();
    },
  };
}

const sides = [await startSide(dist, 'a')];
if (against !== undefined) sides.push(await startSide(against, 'b'));

for (let i = 0; i < warmup; i++) for (const side of sides) await side.claudeRequest();
if (hold > 0) {
  console.error(`gateway-request-cpu: pid ${process.pid}, measuring in ${hold} s`);
  await new Promise((r) => setTimeout(r, hold * 1000));
}
const inspector = cpuProf === undefined && allocProf === undefined ? undefined : new Session();
inspector?.connect();
if (cpuProf !== undefined) {
  await inspector!.post('Profiler.enable');
  await inspector!.post('Profiler.setSamplingInterval', { interval: 100 });
  await inspector!.post('Profiler.start');
}
if (allocProf !== undefined) {
  await inspector!.post('HeapProfiler.enable');
  await inspector!.post('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}
// With two builds, requests alternate (a, b, b, a, ...) so drift and load hit both alike.
const totals = sides.map(() => ({ user: 0, system: 0, faults: 0, wallMs: 0 }));
for (let i = 0; i < requests; i++) {
  const order = i % 2 === 0 ? sides.keys() : [...sides.keys()].reverse();
  for (const k of order) {
    const cpu = process.cpuUsage();
    const faults = process.resourceUsage().minorPageFault;
    const started = performance.now();
    await sides[k]!.claudeRequest();
    const used = process.cpuUsage(cpu);
    const t = totals[k]!;
    t.wallMs += performance.now() - started;
    t.user += used.user;
    t.system += used.system;
    t.faults += process.resourceUsage().minorPageFault - faults;
  }
}
if (cpuProf !== undefined) {
  const { profile } = await inspector!.post('Profiler.stop');
  writeFileSync(cpuProf, JSON.stringify(profile));
}
if (allocProf !== undefined) {
  const { profile } = await inspector!.post('HeapProfiler.stopSampling');
  writeFileSync(allocProf, JSON.stringify(profile));
}
inspector?.disconnect();

for (const [k, side] of sides.entries()) {
  const t = totals[k]!;
  const figures = {
    build: side.build,
    warmup,
    requests,
    cpuUsPerRequest: Math.round((t.user + t.system) / requests),
    userUsPerRequest: Math.round(t.user / requests),
    sysUsPerRequest: Math.round(t.system / requests),
    minorFaultsPerRequest: Math.round((t.faults / requests) * 10) / 10,
    wallMsPerRequest: Math.round((t.wallMs / requests) * 100) / 100,
  };
  if (json) console.log(JSON.stringify(figures));
  else {
    console.log(
      `${figures.build}: ${figures.cpuUsPerRequest} µs CPU per request ` +
        `(user ${figures.userUsPerRequest}, sys ${figures.sysUsPerRequest}), ` +
        `${figures.minorFaultsPerRequest} minor faults, ${figures.wallMsPerRequest} ms wall ` +
        `(${requests} requests after ${warmup} warm-up)`,
    );
  }
}
for (const side of sides) await side.close();
rmSync(tmp, { recursive: true, force: true });
