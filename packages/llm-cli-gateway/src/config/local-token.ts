import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLoopbackHost } from 'mcp-host';
import { ConfigError } from './errors.js';
import type { GatewayConfig } from './file.js';

export const LOCAL_TOKEN_FILE = 'http-token';
/** Principal name of the generated token (`http:local-token`). */
export const LOCAL_TOKEN_PRINCIPAL = 'local-token';

export interface LocalToken {
  readonly token: string;
  readonly file: string;
  /** True when this call generated it (print it once). */
  readonly created: boolean;
}

/**
 * The loopback HTTP token: read from `<home>/http-token`, or generated (32
 * random bytes, hex) and written there 0600, exclusively, on first start.
 * A token file others can read, or that is not a regular file, is refused.
 */
export function ensureLocalToken(home: string): LocalToken {
  const file = join(home, LOCAL_TOKEN_FILE);
  try {
    const token = randomBytes(32).toString('hex');
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return { token, file, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = lstatSync(file);
  if (
    !st.isFile() ||
    (st.mode & 0o077) !== 0 ||
    (process.getuid !== undefined && st.uid !== process.getuid())
  ) {
    throw new ConfigError(
      LOCAL_TOKEN_FILE,
      `${file} must be a regular 0600 file of this user (mode ${(st.mode & 0o777).toString(8)}); delete it to generate a new token`,
      file,
    );
  }
  const token = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(token)) {
    throw new ConfigError(
      LOCAL_TOKEN_FILE,
      `${file} does not hold a generated token; delete it to generate a new one`,
      file,
    );
  }
  return { token, file, created: false };
}

/**
 * The HTTP settings actually served: unchanged when principals are configured
 * or `[http] auth = "none"` (or the bind is not loopback, which mcp-host refuses
 * without a configured token); otherwise the generated local token becomes the
 * one principal, so loopback HTTP is never open to every local process by default.
 */
export function withLocalToken(
  config: GatewayConfig,
  home: string,
  announce: (t: LocalToken) => void,
): GatewayConfig {
  if (config.auth.backend === 'jwt') return config; // callers bring IdP-issued tokens
  if (config.http.principals.length > 0 || config.http.auth === 'none') return config;
  // A public bind without a configured token stays refused (mcp-host): a generated token is for loopback only.
  if (!isLoopbackHost(config.http.host)) return config;
  const local = ensureLocalToken(home);
  if (local.created) announce(local);
  const tokenSha256 = createHash('sha256').update(local.token, 'utf8').digest('hex');
  return {
    ...config,
    http: {
      ...config.http,
      principals: [{ name: LOCAL_TOKEN_PRINCIPAL, tokenSha256, source: 'generated' }],
    },
  };
}

/** The one-time notice: the token and how to pass it. */
export function localTokenNotice(t: LocalToken, url: string): string {
  return [
    `llm-cli-gateway: generated an HTTP token (shown once; stored 0600 in ${t.file}):`,
    `  ${t.token}`,
    `  pass it as "Authorization: Bearer <token>", e.g.`,
    `  claude mcp add --transport http llm-gateway ${url} --header "Authorization: Bearer $(cat ${t.file})"`,
  ].join('\n');
}
