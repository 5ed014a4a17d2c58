import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeEnv, pidAlive, tempDir, waitFor } from '../helpers/env.js';
import { connectGateway, jsonOf } from '../helpers/mcp-client.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

type Status = { job: { state: string; stdoutChars: number; error?: { code: string } } };

async function pollState(
  client: Client,
  jobId: string,
  want: (s: Status) => boolean,
  ms: number,
): Promise<Status> {
  let last: Status | undefined;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    last = jsonOf<Status>(await client.callTool({ name: 'llm_job_status', arguments: { jobId } }));
    if (want(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last!;
}

describe('crash recovery', () => {
  it('a SIGKILLed gateway leaves an orphaned job whose captured output stays readable', async () => {
    const t = tempDir('gw-orphan-');
    const pidfile = join(t.dir, 'cli.pids');
    const env = fakeEnv(t.dir, { FAKE_CLI_MODE: 'chatty-hang', FAKE_CLI_PIDFILE: pidfile });
    writeFileSync(join(t.dir, 'config.toml'), '[limits]\njob_lease_seconds = 1\n');
    env.LLM_GATEWAY_CONFIG = join(t.dir, 'config.toml');
    cleanups.push(() => {
      try {
        const pids = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);
        for (const p of pids) if (p > 0 && pidAlive(p)) process.kill(p, 'SIGKILL');
      } catch {
        // nothing spawned
      }
      t.cleanup();
    });

    const first = await connectGateway(env);
    const gatewayPid = (first.transport as StdioClientTransport).pid!;
    const { jobId } = jsonOf<{ jobId: string }>(
      await first.callTool({ name: 'claude_request_async', arguments: { prompt: 'work, then hang' } }),
    );
    const running = await pollState(
      first,
      jobId,
      (s) => s.job.state === 'running' && s.job.stdoutChars > 0,
      10_000,
    );
    expect(running.job.state).toBe('running');
    const cliPids = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);

    process.kill(gatewayPid, 'SIGKILL');
    expect(await waitFor(() => !pidAlive(gatewayPid))).toBe(true);
    await first.close().catch(() => undefined);
    expect(cliPids.some(pidAlive)).toBe(true); // the CLI outlived its gateway

    const second = await connectGateway(env);
    cleanups.unshift(() => second.close());
    const orphaned = await pollState(second, jobId, (s) => s.job.state !== 'running', 10_000);
    expect(orphaned.job).toMatchObject({ state: 'orphaned', error: { code: 'ORPHANED' } });
    const page = jsonOf<{ page: { data: string } }>(
      await second.callTool({ name: 'llm_job_result', arguments: { jobId } }),
    );
    expect(page.page.data).toContain('progress before the crash');
    // The recorded process group (same pid, same start time) is killed by the new instance.
    expect(await waitFor(() => !cliPids.some(pidAlive), 5000)).toBe(true);
  });
});
