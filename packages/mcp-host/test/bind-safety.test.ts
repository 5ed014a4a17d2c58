import { describe, expect, it } from 'vitest';
import {
  assertSafeBind,
  bearerTokenAuthenticator,
  ExposureError,
  headerTrustAuthenticator,
  isLoopbackAddress,
  isLoopbackHost,
  noAuthLoopback,
  serveHttp,
} from '../src/index.js';
import { connectClient, memoryLogger, whoami, whoamiServer } from './helpers.js';

const bearer = () =>
  bearerTokenAuthenticator([{ principalId: 'human:ops', token: 'bind-test-token-0123456789' }]);

describe('isLoopbackHost', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.255',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    'localhost',
    'LocalHost',
    '::ffff:127.0.0.1',
  ])('%s is loopback', (h) => expect(isLoopbackHost(h)).toBe(true));
  it.each([
    '0.0.0.0',
    '::',
    '[::]',
    '10.0.0.1',
    '128.0.0.1',
    '127.0.0.256',
    '127.0.0',
    'localhost.evil.example',
    'example.com',
    '::ffff:8.8.8.8',
    '::2',
    '',
  ])('%s is not loopback', (h) => expect(isLoopbackHost(h)).toBe(false));
  it('socket addresses: IPv4-mapped loopback counts, a missing address does not', () => {
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress(undefined)).toBe(false);
    expect(isLoopbackAddress('localhost')).toBe(false);
  });
});

describe('assertSafeBind', () => {
  it('throws EXPOSURE_UNSAFE_BIND for a public bind without auth or with noAuthLoopback', () => {
    for (const authenticator of [undefined, noAuthLoopback('dev')]) {
      let caught: unknown;
      try {
        assertSafeBind({ host: '0.0.0.0', authenticator });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ExposureError);
      expect((caught as ExposureError).code).toBe('EXPOSURE_UNSAFE_BIND');
      expect((caught as Error).message).toMatch(/0\.0\.0\.0.*authentication/);
    }
  });

  it('allows loopback without auth, and a public bind with a real authenticator', () => {
    expect(() => assertSafeBind({ host: '127.0.0.1' })).not.toThrow();
    expect(() => assertSafeBind({ host: '::1', authenticator: noAuthLoopback('dev') })).not.toThrow();
    expect(() => assertSafeBind({ host: '0.0.0.0', authenticator: bearer() })).not.toThrow();
    const trust = headerTrustAuthenticator({
      serviceToken: 'svc-0123456789',
      header: 'x-actor-id',
      validateId: () => true,
    });
    expect(() => assertSafeBind({ host: '192.0.2.10', authenticator: trust })).not.toThrow();
  });

  it('an authenticator that merely looks like noAuthLoopback is not mistaken for it', () => {
    const lookalike = { authenticate: noAuthLoopback('dev').authenticate };
    expect(() => assertSafeBind({ host: '0.0.0.0', authenticator: lookalike })).not.toThrow();
  });
});

describe('serveHttp bind policy', () => {
  it('refuses to listen on 0.0.0.0 without authentication', async () => {
    await expect(serveHttp(whoamiServer, { host: '0.0.0.0', logger: memoryLogger() })).rejects.toMatchObject({
      code: 'EXPOSURE_UNSAFE_BIND',
    });
    await expect(
      serveHttp(whoamiServer, {
        host: '0.0.0.0',
        authenticator: noAuthLoopback('dev'),
        logger: memoryLogger(),
      }),
    ).rejects.toBeInstanceOf(ExposureError);
  });

  it('listens on 0.0.0.0 with a bearer token (connected to via 127.0.0.1 only)', async () => {
    const host = await serveHttp(whoamiServer, {
      host: '0.0.0.0',
      authenticator: bearer(),
      logger: memoryLogger(),
    });
    try {
      expect(host.url).toBe(`http://127.0.0.1:${host.port}/mcp`);
      const { client } = await connectClient(host.url, {
        authorization: 'Bearer bind-test-token-0123456789',
      });
      expect(await whoami(client)).toBe('human:ops');
      await client.close();
    } finally {
      await host.close();
    }
  });

  it('defaults to 127.0.0.1 with the noAuthLoopback principal', async () => {
    const host = await serveHttp(whoamiServer, { logger: memoryLogger() });
    try {
      expect(host.host).toBe('127.0.0.1');
      const { client } = await connectClient(host.url);
      expect(await whoami(client)).toBe('anonymous');
      await client.close();
    } finally {
      await host.close();
    }
  });

  it('rejects invalid options with a message naming the key', async () => {
    await expect(serveHttp(whoamiServer, { maxBodyBytes: -1, logger: memoryLogger() })).rejects.toMatchObject(
      {
        code: 'MCP_HOST_CONFIG_INVALID',
        message: expect.stringContaining('maxBodyBytes'),
      },
    );
    await expect(serveHttp(whoamiServer, { path: '/healthz', logger: memoryLogger() })).rejects.toThrow(
      /path/,
    );
  });
});
