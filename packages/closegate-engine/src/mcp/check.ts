import { isLoopbackHost } from 'mcp-host';
import { AUTH_BACKENDS, httpAuthFromEnv, stdioActorFromEnv } from './auth-config.js';
import { JWT_ENV_VARS, jwtOptionsFromEnv } from './jwt-config.js';
import { httpConfigFromEnv, randomActorSuffix } from './serve.js';

/** `mcp serve --check`: what the server would run with, and what looks wrong. Opens nothing. */
export interface ServeCheckReport {
  transport: 'stdio' | 'http';
  auth: { backend: string; detail: string };
  bind?: string;
  loopback?: boolean;
  allowedHosts?: string;
  allowedOrigins?: string;
  caps?: Record<string, number | string>;
  warnings: string[];
  errors: string[];
}

const isSet = (env: NodeJS.ProcessEnv, name: string) => env[name] !== undefined && env[name] !== '';

/** Credentials configured for a backend that is not the one in use: they would be silently ignored. */
function unusedCredentialWarnings(env: NodeJS.ProcessEnv, backend: string, isHttp: boolean): string[] {
  const warnings: string[] = [];
  const unused = (vars: readonly string[], owner: string) => {
    const set = vars.filter((v) => isSet(env, v));
    if (set.length > 0 && (!isHttp || backend !== owner))
      warnings.push(
        `${set.join(', ')} set but not used: ${isHttp ? `CLOSEGATE_AUTH_BACKEND is ${backend}` : 'serving stdio'}` +
          ` (set CLOSEGATE_AUTH_BACKEND=${owner}${isHttp ? '' : ' with --http'} to use them)`,
      );
  };
  unused(['CLOSEGATE_HTTP_TOKENS', 'CLOSEGATE_HTTP_TOKENS_FILE'], 'token');
  unused(['CLOSEGATE_SERVICE_TOKEN', 'CLOSEGATE_HEADER_TRUST_HEADER'], 'header-trust');
  unused(JWT_ENV_VARS, 'jwt');
  return warnings;
}

function authDetail(env: NodeJS.ProcessEnv, backend: string, actor?: string): string {
  if (backend === 'token') return 'bearer tokens (CLOSEGATE_HTTP_TOKENS / _FILE), kept as SHA-256 digests';
  if (backend === 'header-trust')
    return `service token + actor header ${env.CLOSEGATE_HEADER_TRUST_HEADER || 'X-Actor-Id'}`;
  if (backend === 'jwt') {
    const o = jwtOptionsFromEnv(env);
    const services = Object.entries(o.serviceActors ?? {}).map(([k, v]) => `${k}->${v}`);
    return (
      `JWT from ${o.issuer}, audience ${[o.audience].flat().join(',')}, person claim ${o.actorClaim ?? 'email'}, ` +
      `service mapping ${services.length > 0 ? services.join(', ') : '(none)'}`
    );
  }
  return `none: every loopback caller acts as ${actor}`;
}

export function serveCheck(
  env: NodeJS.ProcessEnv,
  isHttp: boolean,
  flags: { host?: string | undefined; port?: string | undefined } = {},
): ServeCheckReport {
  const backend = env.CLOSEGATE_AUTH_BACKEND || 'none';
  const report: ServeCheckReport = {
    transport: isHttp ? 'http' : 'stdio',
    auth: { backend, detail: '' },
    warnings: unusedCredentialWarnings(env, backend, isHttp),
    errors: [],
  };
  try {
    if (!isHttp) {
      const { actor, generated } = stdioActorFromEnv(env, randomActorSuffix);
      report.auth = {
        backend: 'stdio',
        detail: `process actor ${generated ? `${actor} (generated)` : actor}`,
      };
      return report;
    }
    const auth = httpAuthFromEnv(env, randomActorSuffix);
    const config = httpConfigFromEnv(env, flags);
    report.auth = { backend: auth.backend, detail: authDetail(env, auth.backend, auth.actor) };
    report.bind = `${config.host}:${config.port}`;
    report.loopback = isLoopbackHost(config.host);
    report.allowedHosts = config.allowedHosts?.join(', ') ?? 'loopback names of the bound port';
    report.allowedOrigins = config.allowedOrigins?.join(', ') ?? 'http:// + each allowed host';
    const maxSessions = config.maxSessions ?? 64;
    report.caps = {
      maxSessions,
      maxSessionsPerPrincipal: config.maxSessionsPerPrincipal ?? Math.max(1, Math.ceil(maxSessions / 4)),
      maxConnections: config.maxConnections ?? 256,
      headersTimeoutMs: config.headersTimeoutMs ?? 10_000,
      maxRequestsPerSocket: config.maxRequestsPerSocket ?? 1000,
      maxBodyBytes: config.maxBodyBytes ?? 1024 * 1024,
      idleSessionMs: config.idleSessionMs ?? 900_000,
      authFailureBackoff: '5 free failures per address, then 1 s doubling to 15 min',
    };
    if (auth.backend === 'none') {
      if (!report.loopback)
        report.errors.push(`refusing to serve: ${config.host} is not loopback and nobody is authenticated`);
      else report.warnings.push('no authentication (dev only): every local process can act as ' + auth.actor);
    }
    if (config.publicUrl)
      report.warnings.push(
        `public URL ${config.publicUrl}: exposure beyond this machine is the operator's responsibility`,
      );
  } catch (err) {
    report.errors.push((err as Error).message);
  }
  if (!(AUTH_BACKENDS as readonly string[]).includes(backend) && report.errors.length === 0)
    report.errors.push(`unknown CLOSEGATE_AUTH_BACKEND ${backend}`);
  return report;
}

export function formatServeCheck(r: ServeCheckReport): string[] {
  const lines = [`transport: ${r.transport}`, `auth: ${r.auth.backend} -- ${r.auth.detail}`];
  if (r.bind) lines.push(`bind: ${r.bind}${r.loopback ? ' (loopback)' : ' (NOT loopback)'}`);
  if (r.allowedHosts) lines.push(`allowed hosts: ${r.allowedHosts}`);
  if (r.allowedOrigins) lines.push(`allowed origins: ${r.allowedOrigins}`);
  if (r.caps)
    lines.push(
      `caps: ${Object.entries(r.caps)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  for (const e of r.errors) lines.push(`error: ${e}`);
  lines.push(r.errors.length === 0 ? 'check: ok' : 'check: FAILED');
  return lines;
}
