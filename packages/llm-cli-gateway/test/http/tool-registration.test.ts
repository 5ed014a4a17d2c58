import { afterEach, describe, expect, it } from 'vitest';
import { jsonOf } from '../helpers/mcp-client.js';
import { ALICE_TOKEN, startHttpGateway, TWO_PRINCIPALS, type HttpGateway } from './http-gateway.js';

const open: HttpGateway[] = [];
afterEach(async () => {
  for (const g of open.splice(0)) await g.close();
});

const ASYNC_TOOLS = [
  'claude_request_async',
  'codex_request_async',
  'gemini_request_async',
  'grok_request_async',
  'mistral_request_async',
];
const JOB_TOOLS = ['llm_job_status', 'llm_job_result', 'llm_job_cancel'];

async function toolNames(toml: string): Promise<string[]> {
  const gw = await startHttpGateway(`${TWO_PRINCIPALS}\n${toml}`);
  open.push(gw);
  const client = await gw.connect(ALICE_TOKEN);
  return (await client.listTools()).tools.map((t) => t.name);
}

describe('async tools exist only with a durable store', () => {
  it('backend = "none": no *_request_async and no job tools', async () => {
    const names = await toolNames('[persistence]\nbackend = "none"');
    for (const t of [...ASYNC_TOOLS, ...JOB_TOOLS]) expect(names).not.toContain(t);
    expect(names).toContain('claude_request');
    expect(names).toContain('approval_list');
  });

  it('backend = "sqlite": every async and job tool', async () => {
    const names = await toolNames('[persistence]\nbackend = "sqlite"');
    for (const t of [...ASYNC_TOOLS, ...JOB_TOOLS, 'approval_list']) expect(names).toContain(t);
  });
});

describe('saturation over MCP', () => {
  it('answers GATEWAY_SATURATED with retryable: true when slots and queue are full', async () => {
    const gw = await startHttpGateway(`${TWO_PRINCIPALS}\n[limits]\nmax_concurrent = 1\nmax_queue = 0\n`, {
      FAKE_CLI_MODE: 'hang',
    });
    open.push(gw);
    const client = await gw.connect(ALICE_TOKEN);
    const first = await client.callTool({
      name: 'claude_request_async',
      arguments: { prompt: 'occupy the slot' },
    });
    expect(first.isError).toBeFalsy();
    const second = await client.callTool({ name: 'claude_request_async', arguments: { prompt: 'no room' } });
    expect(second.isError).toBe(true);
    expect(jsonOf<{ error: { code: string; details: { retryable: boolean } } }>(second).error).toMatchObject({
      code: 'GATEWAY_SATURATED',
      details: { retryable: true },
    });
    const { jobId } = jsonOf<{ jobId: string }>(first);
    const canceled = jsonOf<{ job: { state: string } }>(
      await client.callTool({ name: 'llm_job_cancel', arguments: { jobId } }),
    );
    expect(canceled.job.state).toBe('canceled');
  });
});
