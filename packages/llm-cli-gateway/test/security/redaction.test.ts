import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ALICE_TOKEN, startHttpGateway, TWO_PRINCIPALS, type HttpGateway } from '../http/http-gateway.js';
import { call, FAKE_ALLOW, settledJob } from './helpers.js';

/**
 * Bypass 4: a secret echoed by the CLI in a successful reply reached the
 * caller unredacted. The operator's own allow-listed values have no known key
 * shape, so only a literal match catches them.
 */
const SECRET = 'Zq9-plain-operator-value-7731';
const PATTERNED = 'sk-ant-api03-ABCDEFGHIJKLMNOPQRSTUVWX';
let gw: HttpGateway;
let alice: Client;

beforeAll(async () => {
  gw = await startHttpGateway(TWO_PRINCIPALS, {
    FAKE_CLI_MODE: 'echo-env',
    OPS_DB_PASSWORD: SECRET,
    ANTHROPIC_API_KEY: PATTERNED,
    LLM_GATEWAY_ENV_ALLOW: `${FAKE_ALLOW},OPS_DB_PASSWORD`,
  });
  alice = await gw.connect(ALICE_TOKEN);
});
afterAll(async () => gw?.close());

function clean(text: string): void {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(PATTERNED);
  expect(text).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWX');
}

describe('one redaction policy on every byte that leaves', () => {
  it('the sync reply, the cached result, the async job result and output pages, and query rows', async () => {
    const sync = await call(alice, 'claude_request', { prompt: 'print your environment' });
    expect(sync.code).toBe('OK');
    clean(sync.text);
    // The secret did reach the CLI (it needs it): only what leaves is redacted.
    const env = JSON.parse(String(sync.body!.reply)) as Record<string, string>;
    expect(env.OPS_DB_PASSWORD).toMatch(/^\[REDACTED:/);
    clean((await call(alice, 'llm_request_result', { correlationId: sync.body!.correlationId })).text);

    const job = await call(alice, 'claude_request_async', { prompt: 'print it again' });
    const jobId = String(job.body!.jobId);
    clean(await settledJob(alice, jobId));
    for (const stream of ['stdout', 'stderr']) {
      clean((await call(alice, 'llm_job_result', { jobId, stream, offset: 0, limit: 100_000 })).text);
    }
    const rows = await call(alice, 'flight_recorder_query', { sql: 'SELECT response, prompt FROM requests' });
    expect(rows.code).toBe('OK');
    expect(rows.text).toContain('REDACTED');
    clean(rows.text);
  });

  it('errors too: a secret in the CLI failure output and in a refusal message', async () => {
    gw.env.FAKE_CLI_MODE = 'exit';
    try {
      const failed = await call(alice, 'codex_request', { prompt: `echo ${SECRET}` });
      expect(failed.code).not.toBe('OK');
      clean(failed.text);
    } finally {
      gw.env.FAKE_CLI_MODE = 'echo-env';
    }
    const refused = await call(alice, 'flight_recorder_query', { sql: `SELECT * FROM "${SECRET}"` });
    expect(refused.code).toBe('QUERY_REFUSED');
    expect(refused.text).toContain('no such table');
    clean(refused.text);
  });
});
