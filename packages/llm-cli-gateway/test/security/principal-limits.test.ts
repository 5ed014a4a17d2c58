import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ALICE_TOKEN,
  BOB_TOKEN,
  startHttpGateway,
  TWO_PRINCIPALS,
  type HttpGateway,
} from '../http/http-gateway.js';
import { call } from './helpers.js';

/**
 * Weakness: one token could hold every CLI slot (and the queue) for up to
 * 24 h. Per-principal slots, queue and timeout ceiling bind every caller.
 */
let gw: HttpGateway;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  gw = await startHttpGateway(
    `${TWO_PRINCIPALS}
[limits]
max_concurrent = 4
max_queue = 16
max_timeout_seconds = 600
sync_deadline_seconds = 0

[limits.per_principal]
max_concurrent = 1
max_queued = 1
max_timeout_seconds = 120
`,
    { FAKE_CLI_MODE: 'slow', FAKE_CLI_DELAY_MS: '4000' },
  );
  alice = await gw.connect(ALICE_TOKEN);
  bob = await gw.connect(BOB_TOKEN);
});
afterAll(async () => gw?.close());

describe('per-principal limits', () => {
  it('one principal gets one slot and one queued request; another principal still runs at once', async () => {
    const first = await call(alice, 'claude_request_async', { prompt: 'one' });
    const second = await call(alice, 'claude_request_async', { prompt: 'two' });
    expect(first.code).toBe('OK');
    expect(second.code).toBe('OK');
    const third = await call(alice, 'claude_request_async', { prompt: 'three' });
    expect(third.code).toBe('GATEWAY_SATURATED');
    expect(third.text).toContain('retryable');
    const stats = gw.plane.scheduler.stats();
    expect(stats).toMatchObject({ running: 1, queued: 1 });
    // Bob is not stuck behind alice's backlog: the remaining global slots are his to take.
    gw.env.FAKE_CLI_DELAY_MS = '10';
    const bobs = await call(bob, 'claude_request', { prompt: 'bob' });
    expect(bobs.code).toBe('OK');
  }, 30_000);

  it('a request may not ask for a longer timeout than the operator allows', async () => {
    for (const args of [{ timeoutMs: 86_400_000 }, { timeoutMs: 121_000 }, { idleTimeoutMs: 3_600_000 }]) {
      const r = await call(bob, 'claude_request', { prompt: 'long', ...args });
      expect(r.code).toBe('LIMIT_EXCEEDED');
      expect(r.message).toContain('120000');
    }
    expect((await call(bob, 'claude_request', { prompt: 'short', timeoutMs: 60_000 })).code).toBe('OK');
  }, 30_000);
});
