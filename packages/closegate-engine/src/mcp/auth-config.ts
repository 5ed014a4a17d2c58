import fs from 'node:fs';
import { parseActor } from 'closegate-policy';
import {
  bearerTokenAuthenticator,
  headerTrustAuthenticator,
  noAuthLoopback,
  type Authenticator,
  type BearerEntry,
} from 'mcp-host';
import { McpConfigError } from './errors.js';
import { jwtFromEnv } from './jwt-config.js';

export const AUTH_BACKENDS = ['token', 'header-trust', 'jwt', 'none'] as const;
export type AuthBackend = (typeof AUTH_BACKENDS)[number];

export const DEFAULT_ACTOR_HEADER = 'X-Actor-Id';
/** Tokens shorter than this are refused: they are guessable. */
export const MIN_TOKEN_LENGTH = 16;

export function isProd(env: NodeJS.ProcessEnv): boolean {
  return env.CLOSEGATE_ENV === 'prod';
}

function validActorId(raw: string, where: string): string {
  try {
    return parseActor(raw).raw;
  } catch (err) {
    throw new McpConfigError(`${where}: ${(err as Error).message}`);
  }
}

/** One `actor=token` pair; `actor=sha256:<hex>` gives the token's SHA-256 instead of the token. */
function parseTokenPair(pair: string, where: string): BearerEntry {
  const eq = pair.indexOf('=');
  if (eq <= 0)
    throw new McpConfigError(
      `${where}: expected actor=token (e.g. human:alice=<token>), got an entry without "="`,
    );
  const principalId = validActorId(pair.slice(0, eq).trim(), where);
  const secret = pair.slice(eq + 1).trim();
  const hashed = /^sha256:([0-9a-fA-F]{64})$/.exec(secret);
  if (hashed) return { principalId, tokenSha256: hashed[1]! };
  if (secret.length < MIN_TOKEN_LENGTH || /[\s,]/.test(secret)) {
    throw new McpConfigError(
      `${where}: the token of ${principalId} must be at least ${MIN_TOKEN_LENGTH} characters without spaces or commas`,
    );
  }
  return { principalId, token: secret };
}

/** CLOSEGATE_HTTP_TOKENS_FILE: one `actor=token` per line, `#` comments; must not be readable by group or others. */
function tokensFromFile(file: string): BearerEntry[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new McpConfigError(`CLOSEGATE_HTTP_TOKENS_FILE: cannot read ${file}`);
  }
  if ((stat.mode & 0o077) !== 0)
    throw new McpConfigError(
      `CLOSEGATE_HTTP_TOKENS_FILE: ${file} is readable by group or others; chmod 600 it`,
    );
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l, i) => parseTokenPair(l, `CLOSEGATE_HTTP_TOKENS_FILE line ${i + 1}`));
}

/** Token entries from CLOSEGATE_HTTP_TOKENS ("human:alice=TOKEN1,llm:agent=TOKEN2") and/or CLOSEGATE_HTTP_TOKENS_FILE. */
export function tokenEntriesFromEnv(env: NodeJS.ProcessEnv): BearerEntry[] {
  const inline = (env.CLOSEGATE_HTTP_TOKENS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p, i) => parseTokenPair(p, `CLOSEGATE_HTTP_TOKENS entry ${i + 1}`));
  const fromFile = env.CLOSEGATE_HTTP_TOKENS_FILE ? tokensFromFile(env.CLOSEGATE_HTTP_TOKENS_FILE) : [];
  const all = [...inline, ...fromFile];
  if (all.length === 0)
    throw new McpConfigError(
      'CLOSEGATE_AUTH_BACKEND=token needs CLOSEGATE_HTTP_TOKENS="actor=token,..." or CLOSEGATE_HTTP_TOKENS_FILE',
    );
  return all;
}

function headerTrustFromEnv(env: NodeJS.ProcessEnv): Authenticator {
  const serviceToken = env.CLOSEGATE_SERVICE_TOKEN ?? '';
  if (serviceToken.length < MIN_TOKEN_LENGTH) {
    throw new McpConfigError(
      `CLOSEGATE_AUTH_BACKEND=header-trust needs CLOSEGATE_SERVICE_TOKEN (at least ${MIN_TOKEN_LENGTH} characters)`,
    );
  }
  const header = env.CLOSEGATE_HEADER_TRUST_HEADER || DEFAULT_ACTOR_HEADER;
  const validateId = (id: string) => {
    try {
      parseActor(id);
      return true;
    } catch {
      return false;
    }
  };
  try {
    return headerTrustAuthenticator({ serviceToken, header, validateId });
  } catch (err) {
    throw new McpConfigError(`CLOSEGATE_HEADER_TRUST_HEADER: ${(err as Error).message}`);
  }
}

export interface HttpAuth {
  backend: AuthBackend;
  authenticator: Authenticator;
  /** For backend none: the one actor every loopback caller acts as. */
  actor?: string;
}

/**
 * The HTTP authenticator from CLOSEGATE_AUTH_BACKEND. Without a backend (dev only)
 * every loopback caller is CLOSEGATE_ACTOR_ID (or a fresh llm:http-<random>); a
 * non-loopback bind then fails in assertSafeBind, and prod refuses to start.
 */
export function httpAuthFromEnv(env: NodeJS.ProcessEnv, randomId: () => string): HttpAuth {
  const backend = (env.CLOSEGATE_AUTH_BACKEND || 'none') as AuthBackend;
  if (!(AUTH_BACKENDS as readonly string[]).includes(backend)) {
    throw new McpConfigError(
      `CLOSEGATE_AUTH_BACKEND=${env.CLOSEGATE_AUTH_BACKEND}: must be one of ${AUTH_BACKENDS.join(', ')}`,
    );
  }
  if (backend === 'token')
    return { backend, authenticator: bearerTokenAuthenticator(tokenEntriesFromEnv(env)) };
  if (backend === 'header-trust') return { backend, authenticator: headerTrustFromEnv(env) };
  if (backend === 'jwt') return { backend, authenticator: jwtFromEnv(env) };
  if (isProd(env))
    throw new McpConfigError(
      'CLOSEGATE_ENV=prod: set CLOSEGATE_AUTH_BACKEND=token, header-trust or jwt for HTTP',
    );
  const actor = env.CLOSEGATE_ACTOR_ID
    ? validActorId(env.CLOSEGATE_ACTOR_ID, 'CLOSEGATE_ACTOR_ID')
    : `llm:http-${randomId()}`;
  return { backend, authenticator: noAuthLoopback(actor), actor };
}

/** The stdio actor: CLOSEGATE_ACTOR_ID; required in prod, a fresh llm:stdio-<random> in dev. */
export function stdioActorFromEnv(
  env: NodeJS.ProcessEnv,
  randomId: () => string,
): { actor: string; generated: boolean } {
  const raw = env.CLOSEGATE_ACTOR_ID;
  if (raw !== undefined && raw !== '')
    return { actor: validActorId(raw, 'CLOSEGATE_ACTOR_ID'), generated: false };
  if (isProd(env))
    throw new McpConfigError(
      'CLOSEGATE_ENV=prod: set CLOSEGATE_ACTOR_ID (human:<id>, llm:<id> or engine:<id>) for the stdio server',
    );
  return { actor: `llm:stdio-${randomId()}`, generated: true };
}
