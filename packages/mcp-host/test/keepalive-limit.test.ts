import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bearerTokenAuthenticator, serveHttp, type HttpHost, type HttpHostOptions } from '../src/index.js';
import { connectClient, INIT_BODY, memoryLogger, whoami, whoamiServer } from './helpers.js';

const TOKEN = 'keepalive-token-0123456789abcdef';
let host: HttpHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function start(options: HttpHostOptions): Promise<HttpHost> {
  host = await serveHttp(whoamiServer, {
    authenticator: bearerTokenAuthenticator([{ principalId: 'human:alice', token: TOKEN }]),
    logger: memoryLogger(),
    ...options,
  });
  return host;
}

/** Writes `request` on a fresh connection; resolves with all it read once the server closed it. */
function untilClosed(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.once('error', reject);
    socket.once('close', () => resolve(answer));
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection still open; read so far: ${answer.slice(0, 300)}`));
    }, 5_000).unref();
  });
}

describe('requests per keep-alive connection', () => {
  it('an SDK client making many more calls than the per-connection limit never sees an error', async () => {
    await start({ maxRequestsPerSocket: 3 });
    const clients = await Promise.all(
      Array.from({ length: 4 }, () => connectClient(host!.url, { authorization: `Bearer ${TOKEN}` })),
    );
    const answers = await Promise.all(
      clients.map(async ({ client }) => {
        const ids: string[] = [];
        for (let i = 0; i < 25; i++) ids.push(await whoami(client));
        return ids;
      }),
    );
    expect(answers.flat()).toEqual(Array(100).fill('human:alice'));
    await Promise.all(clients.map(({ client }) => client.close()));
  });

  it("the last answer says Connection: close and the server closes, even over the SDK's own keep-alive header", async () => {
    const { port } = await start({ maxRequestsPerSocket: 1 });
    const body = JSON.stringify(INIT_BODY);
    // An initialize answered as an event stream: the SDK writes `Connection: keep-alive` on it.
    const answer = await untilClosed(
      port,
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        `Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(answer).not.toMatch(/Connection: keep-alive/i);
  });
});
