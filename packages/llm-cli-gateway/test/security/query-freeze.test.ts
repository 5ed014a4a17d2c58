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
 * Bypass 5: one recursive CTE through flight_recorder_query blocked the event
 * loop (health checks, every other principal) for as long as it ran.
 */
const ENDLESS =
  'SELECT count(*) AS n FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)';
let gw: HttpGateway;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  gw = await startHttpGateway(`${TWO_PRINCIPALS}\n[limits]\nquery_timeout_ms = 3000\n`);
  alice = await gw.connect(ALICE_TOKEN);
  bob = await gw.connect(BOB_TOKEN);
});
afterAll(async () => gw?.close());

describe('caller SQL off the main thread, with a hard budget', () => {
  it('a runaway statement is killed while /healthz and another principal keep being served', async () => {
    const order: string[] = [];
    const runaway = call(alice, 'flight_recorder_query', { sql: ENDLESS }).then((r) => {
      order.push('runaway');
      return r;
    });
    // Give the statement time to start in its worker.
    await new Promise((r) => setTimeout(r, 300));
    const health = await fetch(new URL('/healthz', gw.host.url));
    expect(health.status).toBe(200);
    order.push('healthz');
    const other = await call(bob, 'flight_recorder_query', { sql: 'SELECT count(*) AS n FROM requests' });
    expect(other.code).toBe('OK');
    order.push('bob');
    expect((await call(bob, 'session_list', {})).code).toBe('OK');
    order.push('bob-sessions');
    const r = await runaway;
    expect(r.code).toBe('QUERY_TIMEOUT');
    expect(order).toEqual(['healthz', 'bob', 'bob-sessions', 'runaway']);
    // The same caller is served again afterwards.
    expect((await call(alice, 'flight_recorder_query', { sql: 'SELECT 1 AS one' })).code).toBe('OK');
  }, 30_000);
});
