import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { jsonOf, textOf } from '../helpers/mcp-client.js';
import {
  ALICE_TOKEN,
  BOB_TOKEN,
  startHttpGateway,
  TWO_PRINCIPALS,
  type HttpGateway,
} from './http-gateway.js';

let gw: HttpGateway;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  gw = await startHttpGateway(TWO_PRINCIPALS);
  alice = await gw.connect(ALICE_TOKEN);
  bob = await gw.connect(BOB_TOKEN);
});
afterAll(async () => gw?.close());

type Job = { job: { id: string; state: string; correlationId?: string } };

async function status(client: Client, jobId: string) {
  return client.callTool({ name: 'llm_job_status', arguments: { jobId } });
}

describe('two HTTP principals', () => {
  it("cannot read, page or cancel each other's jobs", async () => {
    const submitted = jsonOf<{ jobId: string }>(
      await alice.callTool({ name: 'claude_request_async', arguments: { prompt: 'alice private prompt' } }),
    );
    const jobId = submitted.jobId;
    let done: Job | undefined;
    for (let i = 0; i < 200; i++) {
      done = jsonOf<Job>(await status(alice, jobId));
      if (done.job.state === 'completed') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(done!.job.state).toBe('completed');

    const unknown = '00000000-0000-4000-8000-000000000000';
    const probes = [
      ['llm_job_status', { jobId }],
      ['llm_job_result', { jobId, offset: 0, limit: 10 }],
      ['llm_job_result', { jobId, stream: 'stderr' }],
      ['llm_job_cancel', { jobId }],
    ] as const;
    for (const [name, args] of probes) {
      const foreign = await bob.callTool({ name, arguments: args });
      const missing = await bob.callTool({ name, arguments: { ...args, jobId: unknown } });
      expect(foreign.isError).toBe(true);
      expect(textOf(foreign)).toBe(textOf(missing).replace(unknown, jobId));
    }
    expect(jsonOf<Job>(await status(alice, jobId)).job.state).toBe('completed');
    const page = jsonOf<{ page: { data: string } }>(
      await alice.callTool({ name: 'llm_job_result', arguments: { jobId } }),
    );
    expect(page.page.data).toContain('fake claude reply');
  });

  it("cannot see each other's flight-recorder rows", async () => {
    await alice.callTool({ name: 'claude_request', arguments: { prompt: 'alice sync prompt' } });
    const mine = jsonOf<{ rows: Array<{ owner: string }> }>(
      await alice.callTool({
        name: 'flight_recorder_query',
        arguments: { sql: 'SELECT owner, prompt FROM requests' },
      }),
    );
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(new Set(mine.rows.map((r) => r.owner))).toEqual(new Set(['http:alice']));
    const theirs = await bob.callTool({
      name: 'flight_recorder_query',
      arguments: { sql: 'SELECT owner, prompt FROM requests' },
    });
    expect(textOf(theirs)).not.toContain('alice');
  });
});
