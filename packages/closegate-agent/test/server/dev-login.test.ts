import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevLogin } from '../../src/auth/dev-login.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import {
  apiAs,
  browse,
  CLIENT_ID,
  freePort,
  Jar,
  quiet,
  SERVICE_TOKEN,
  startEngine,
  startIdp,
  type EngineFixture,
} from './helpers.js';

let engine: EngineFixture;
let service: RunningServer;
beforeAll(async () => {
  engine = await startEngine();
  service = await startServer({
    engine: { url: engine.url, serviceToken: SERVICE_TOKEN },
    devUser: 'alice',
    assetsDir: null,
    logger: quiet(),
  });
}, 30_000);
afterAll(async () => {
  await service?.close();
  await engine?.close();
});

describe('loopback development login', () => {
  it('prints a one-time link that logs in the configured user once', async () => {
    expect(service.devLoginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\/dev\?token=[A-Za-z0-9_-]{43}$/);
    const wrong = await fetch(service.devLoginUrl!.replace(/token=.*/, 'token=guess'), {
      redirect: 'manual',
    });
    expect(wrong.status).toBe(403);
    const jar = new Jar();
    const first = await browse(jar, service.devLoginUrl!, {}, 0).catch(() => null);
    expect(first).toBeNull(); // 302 to the desk (redirects not followed here)
    const api = await apiAs(service.url, jar);
    expect(api.actorId).toBe('human:alice');
    expect(((await (await api.get('/api/me')).json()) as { authMethod: string }).authMethod).toBe('dev');
    // the same link again, from another browser: refused
    const again = await fetch(service.devLoginUrl!, { redirect: 'manual' });
    expect(again.status).toBe(403);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/already used/);
  });

  it('redeems only from a loopback peer', () => {
    const dev = new DevLogin('bob');
    for (const peer of ['10.0.0.5', '192.168.1.20', '::ffff:10.0.0.5', '2001:db8::1', undefined])
      expect(dev.redeem(dev.token, peer)).toMatchObject({ ok: false });
    // refusals from afar do not use the token up
    expect(dev.redeem(dev.token, '::ffff:127.0.0.1')).toEqual({ ok: true, actorId: 'human:bob' });
    expect(dev.redeem(dev.token, '127.0.0.1')).toMatchObject({ ok: false });
  });

  it('refuses a dev user that is not a plain id', () => {
    expect(() => new DevLogin('llm:agent')).toThrow();
    expect(() => new DevLogin('a b')).toThrow();
  });

  it('is off when the service listens off loopback, and refused from a non-loopback address', async () => {
    const port = await freePort();
    const idp = await startIdp(`http://127.0.0.1:${port}/auth/callback`);
    const wide = await startServer({
      host: '0.0.0.0',
      port,
      engine: { url: engine.url, serviceToken: SERVICE_TOKEN },
      oidc: { issuer: idp.issuer, clientId: CLIENT_ID },
      devUser: 'alice',
      assetsDir: null,
      logger: quiet(),
    });
    try {
      expect(wide.devLoginUrl).toBeUndefined();
      expect((await fetch(`${wide.url}/auth/dev?token=x`, { redirect: 'manual' })).status).toBe(404);
      // reach it from this machine's LAN address when it has one: a non-loopback peer
      const lan = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
      if (lan !== undefined) {
        const res = await fetch(`http://${lan.address}:${port}/auth/dev?token=x`, { redirect: 'manual' });
        // not a name this service serves under: refused before any login logic
        expect(res.status).toBe(403);
      }
    } finally {
      await wide.close();
      await idp.close();
    }
  });
});
