import { createHash } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExposureError, assertSafeBind } from 'mcp-host';
import { afterEach, describe, expect, it } from 'vitest';
import { assessExposure } from '../../src/config/exposure.js';
import { loadConfig } from '../../src/config/file.js';
import { httpHostOptions, httpPrincipalId } from '../../src/config/http-options.js';
import { tempDir } from '../helpers/env.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
const TOKEN = 'a-long-random-token-0123456789';

function env(toml?: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const t = tempDir('gw-exposure-');
  cleanups.push(t.cleanup);
  if (toml !== undefined) writeFileSync(join(t.dir, 'config.toml'), toml, { mode: 0o600 });
  return { LLM_GATEWAY_HOME: t.dir, ...extra };
}
const codes = (e: NodeJS.ProcessEnv) =>
  assessExposure(loadConfig(e)).findings.map((f) => `${f.level}:${f.code}`);

describe('exposure assessment', () => {
  it('flags a public bind without a token as unsafe, and mcp-host refuses it', () => {
    const e = env(undefined, { LLM_GATEWAY_TRANSPORT: 'http', LLM_GATEWAY_HTTP_HOST: '0.0.0.0' });
    expect(codes(e)).toContain('unsafe:PUBLIC_BIND_WITHOUT_TOKEN');
    expect(() => assertSafeBind(httpHostOptions(loadConfig(e)) as { host: string })).toThrow(ExposureError);
  });

  it('warns on loopback HTTP without a token and on a public URL', () => {
    // Default: a token is generated on first start (info); only an explicit auth = "none" warns.
    expect(codes(env(undefined, { LLM_GATEWAY_TRANSPORT: 'http' }))).toContain('info:LOCAL_TOKEN');
    expect(codes(env('[http]\nauth = "none"\n', { LLM_GATEWAY_TRANSPORT: 'http' }))).toContain(
      'warning:NO_TOKEN',
    );
    const withUrl = env(undefined, {
      LLM_GATEWAY_TRANSPORT: 'http',
      LLM_GATEWAY_AUTH_TOKEN: TOKEN,
      LLM_GATEWAY_PUBLIC_URL: 'https://gw.example.test',
    });
    expect(codes(withUrl)).toContain('warning:PUBLIC_URL');
    expect(codes(withUrl)).toContain('warning:REMOTE_LEGACY_APPROVAL');
  });

  it('flags a config file others can write', () => {
    const e = env('[limits]\nmax_concurrent = 2\n');
    chmodSync(join(e.LLM_GATEWAY_HOME!, 'config.toml'), 0o666);
    expect(codes(e)).toContain('unsafe:CONFIG_WRITABLE');
  });

  it('maps principals into their own http: namespace with token hashes only', () => {
    const hash = createHash('sha256').update('alice-token-0123456789').digest('hex');
    const cfg = loadConfig(
      env(`[[http.principals]]\nname = "local:root"\ntoken_sha256 = "${hash}"\n`, {
        LLM_GATEWAY_AUTH_TOKEN: TOKEN,
      }),
    );
    const opts = httpHostOptions(cfg);
    expect(opts.authenticator).toBeDefined();
    expect(httpPrincipalId('local:root')).toBe('http:local:root');
    const req = { headersDistinct: { authorization: ['Bearer alice-token-0123456789'] } };
    const res = opts.authenticator!.authenticate(req as never) as { ok: boolean; principal?: { id: string } };
    expect(res).toMatchObject({ ok: true, principal: { id: 'http:local:root' } });
    const env2 = opts.authenticator!.authenticate({
      headersDistinct: { authorization: [`Bearer ${TOKEN}`] },
    } as never) as { principal?: { id: string } };
    expect(env2.principal?.id).toBe('http:env-token');
    expect(JSON.stringify(cfg)).not.toContain(TOKEN);
  });
});
