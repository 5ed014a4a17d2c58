import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bearerTokenAuthenticator,
  serveHttp,
  type AuthFailureEvent,
  type HttpHost,
  type HttpHostOptions,
} from '../src/index.js';
import { AuthFailureThrottle } from '../src/http/auth-failure.js';
import { DEFAULT_AUTH_THROTTLE } from '../src/http/options.js';
import { connectClient, eventually, memoryLogger, rawInitialize, whoami, whoamiServer } from './helpers.js';

const ALICE = 'fairness-alice-token-0123456789';
const BOB = 'fairness-bob-token-0123456789';
const CAROL = 'fairness-carol-token-0123456789';
const as = (token: string) => ({ authorization: `Bearer ${token}` });

let hosts: HttpHost[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(hosts.map((h) => h.close()));
  hosts = [];
});

async function start(options: HttpHostOptions = {}): Promise<HttpHost> {
  const host = await serveHttp(whoamiServer, {
    authenticator: bearerTokenAuthenticator([
      { principalId: 'human:alice', token: ALICE },
      { principalId: 'human:bob', token: BOB },
      { principalId: 'human:carol', token: CAROL },
    ]),
    logger: memoryLogger(),
    ...options,
  });
  hosts.push(host);
  return host;
}

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
    sockets.push(socket);
  });
}

function closed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
    socket.on('error', () => {});
    socket.once('close', () => resolve(data));
  });
}

describe('per-principal session caps', () => {
  it('a principal holding its cap does not block a second principal', async () => {
    const host = await start({ maxSessions: 8, maxSessionsPerPrincipal: 2 });
    // Alice floods: a concurrent burst of initializations; only her own cap's worth succeed.
    const burst = await Promise.all(Array.from({ length: 10 }, () => rawInitialize(host.url, as(ALICE))));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(2);
    const refused = burst.filter((r) => r.status === 429);
    expect(refused).toHaveLength(8);
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Bob is not locked out.
    const bob = await connectClient(host.url, as(BOB));
    expect(await whoami(bob.client)).toBe('human:bob');
    expect(host.sessionCount()).toBe(3);
    await bob.client.close();
  });

  it('the global cap stays a backstop across principals, and a closed session frees its principal slot', async () => {
    const host = await start({ maxSessions: 3, maxSessionsPerPrincipal: 2 });
    const a1 = await connectClient(host.url, as(ALICE));
    await connectClient(host.url, as(ALICE));
    await connectClient(host.url, as(BOB));
    const carol = await rawInitialize(host.url, as(CAROL));
    expect(carol.status).toBe(429);
    expect(await carol.text()).toMatch(/session limit reached/);
    await a1.transport.terminateSession();
    await eventually(() => host.sessionCount() === 2);
    expect((await rawInitialize(host.url, as(CAROL))).status).toBe(200);
  });

  it('defaults to a quarter of the global cap per principal', async () => {
    const host = await start({ maxSessions: 8 });
    const results = await Promise.all(Array.from({ length: 5 }, () => rawInitialize(host.url, as(ALICE))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
  });
});

describe('failed authentication: per-address back-off, recorded without the secret', () => {
  it('throttles an address after its free failures, even for a valid token, and reports each failure', async () => {
    const events: AuthFailureEvent[] = [];
    const host = await start({
      authThrottle: { freeFailures: 3, baseDelayMs: 60_000 },
      onAuthFailure: (e) => events.push(e),
    });
    const guesses = [
      'guess-one-secret-aaaa',
      'guess-two-secret-bbbb',
      'guess-three-secret-cc',
      'guess-four-secret-dd',
    ];
    for (const guess of guesses) expect((await rawInitialize(host.url, as(guess))).status).toBe(401);
    // Now the address waits: refused before the credential is examined, even a correct one.
    const throttled = await rawInitialize(host.url, as(ALICE));
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(events).toHaveLength(4);
    expect(events.map((e) => e.retryAfterSeconds)).toEqual([0, 0, 0, 60]);
    expect(
      events.every((e) => e.remoteAddress === '127.0.0.1' && e.status === 401 && e.credentialPresented),
    ).toBe(true);
    const recorded = JSON.stringify(events);
    for (const secret of [...guesses, ALICE]) expect(recorded).not.toContain(secret);
  });

  it('a throwing hook neither crashes the server nor turns a refusal into an acceptance', async () => {
    const host = await start({
      onAuthFailure: () => {
        throw new Error('hook broke');
      },
    });
    expect((await rawInitialize(host.url, as('wrong-token-0123456789'))).status).toBe(401);
    expect((await rawInitialize(host.url, as(ALICE))).status).toBe(200);
  });

  it('back-off doubles per further failure, is capped, forgets quiet addresses and bounds its memory', () => {
    let now = 0;
    const throttle = new AuthFailureThrottle(
      {
        ...DEFAULT_AUTH_THROTTLE,
        freeFailures: 2,
        baseDelayMs: 1_000,
        maxDelayMs: 8_000,
        maxTrackedAddresses: 3,
      },
      () => now,
    );
    const waits = Array.from({ length: 7 }, () => throttle.recordFailure('10.0.0.1').retryAfterSeconds);
    expect(waits).toEqual([0, 0, 1, 2, 4, 8, 8]);
    expect(throttle.retryAfterSeconds('10.0.0.2')).toBe(0);
    now += 8_000;
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
    now += DEFAULT_AUTH_THROTTLE.forgetAfterMs + 1;
    expect(throttle.recordFailure('10.0.0.1').failures).toBe(1);
    for (const a of ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']) throttle.recordFailure(a);
    expect(throttle.trackedAddresses).toBe(3);
  });
});

describe('connection-level limits', () => {
  it('a slowloris client is cut at the configured header timeout', async () => {
    const host = await start({ headersTimeoutMs: 300, requestTimeoutMs: 5_000 });
    const socket = await rawSocket(host.port);
    const done = closed(socket);
    let sent = 0;
    let open = true;
    void done.then(() => (open = false));
    socket.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n`);
    // One header line every 100 ms, never finishing: 80 lines would take 8 s.
    while (open && sent < 80) {
      socket.write(`X-Slow-${sent}: 1\r\n`);
      sent++;
      await new Promise((r) => setTimeout(r, 100));
    }
    const answer = await done;
    expect(sent).toBeLessThan(80);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    // The server still serves everyone else.
    expect((await fetch(`http://127.0.0.1:${host.port}/healthz`)).status).toBe(200);
  }, 15_000);

  it('caps concurrent connections; a freed connection makes room again', async () => {
    const host = await start({ maxConnections: 2 });
    const first = await rawSocket(host.port);
    await rawSocket(host.port);
    const third = await rawSocket(host.port);
    const thirdAnswer = await closed(third);
    expect(thirdAnswer).toBe('');
    first.destroy();
    await eventually(async () => {
      try {
        return (await fetch(`http://127.0.0.1:${host.port}/healthz`)).status === 200;
      } catch {
        return false;
      }
    });
  });

  it('limits requests per keep-alive connection', async () => {
    const host = await start({ maxRequestsPerSocket: 2 });
    const socket = await rawSocket(host.port);
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    const get = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`;
    const closedAfter = closed(socket);
    socket.write(get + get + get);
    // Two answers, the second announcing the close; then the server closes the connection
    // (the third request, pipelined past the limit, is left for the client to retry).
    await closedAfter;
    expect(answer.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    expect(answer).not.toMatch(/HTTP\/1\.1 503/);
    expect(answer.split('HTTP/1.1 200')[2]).toMatch(/Connection: close/i);
  });
});
