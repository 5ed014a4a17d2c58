import { parseActor } from 'closegate-policy';
import {
  HostConfigError,
  jwtAuthenticator,
  type Authenticator,
  type JwtAuthenticatorOptions,
} from 'mcp-host';
import { McpConfigError } from './errors.js';

/** Every CLOSEGATE_JWT_* variable, for the start-up check (set but unused is worth a warning). */
export const JWT_ENV_VARS = [
  'CLOSEGATE_JWT_ISSUER',
  'CLOSEGATE_JWT_AUDIENCE',
  'CLOSEGATE_JWT_ACTOR_CLAIM',
  'CLOSEGATE_JWT_SERVICE_CLAIM',
  'CLOSEGATE_JWT_SERVICE_ACTORS',
  'CLOSEGATE_JWT_ALGORITHMS',
  'CLOSEGATE_JWT_JWKS_URI',
  'CLOSEGATE_JWT_CLOCK_TOLERANCE_S',
  'CLOSEGATE_JWT_REQUIRED_SCOPES',
] as const;

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function validActor(id: string): boolean {
  try {
    parseActor(id);
    return true;
  } catch {
    return false;
  }
}

/** "client-id=llm:agent,other-client=engine:recon": the only way a token maps to a non-human actor. */
function serviceActorsFromEnv(raw: string | undefined): Record<string, string> {
  const table: Record<string, string> = {};
  for (const [i, pair] of list(raw).entries()) {
    const eq = pair.lastIndexOf('=');
    const key = pair.slice(0, eq).trim();
    const actor = pair.slice(eq + 1).trim();
    if (eq <= 0 || key === '' || !validActor(actor))
      throw new McpConfigError(
        `CLOSEGATE_JWT_SERVICE_ACTORS entry ${i + 1}: expected <client id>=<actor> (e.g. recon-agent=llm:agent)`,
      );
    if (key in table) throw new McpConfigError(`CLOSEGATE_JWT_SERVICE_ACTORS: ${key} is mapped twice`);
    table[key] = actor;
  }
  return table;
}

/** The JWT options from CLOSEGATE_JWT_* (exported for the start-up summary). */
export function jwtOptionsFromEnv(env: NodeJS.ProcessEnv): JwtAuthenticatorOptions {
  const issuer = env.CLOSEGATE_JWT_ISSUER ?? '';
  const audience = list(env.CLOSEGATE_JWT_AUDIENCE);
  if (issuer === '' || audience.length === 0)
    throw new McpConfigError(
      "CLOSEGATE_AUTH_BACKEND=jwt needs CLOSEGATE_JWT_ISSUER (the IdP issuer URL) and CLOSEGATE_JWT_AUDIENCE (this server's resource id)",
    );
  const tolerance = env.CLOSEGATE_JWT_CLOCK_TOLERANCE_S;
  if (tolerance !== undefined && tolerance !== '' && !/^\d{1,3}$/.test(tolerance))
    throw new McpConfigError('CLOSEGATE_JWT_CLOCK_TOLERANCE_S must be whole seconds (0-300)');
  const algorithms = list(env.CLOSEGATE_JWT_ALGORITHMS);
  const scopes = list(env.CLOSEGATE_JWT_REQUIRED_SCOPES);
  return {
    issuer,
    audience: audience.length === 1 ? audience[0]! : audience,
    serviceActors: serviceActorsFromEnv(env.CLOSEGATE_JWT_SERVICE_ACTORS),
    validateActor: validActor,
    ...(env.CLOSEGATE_JWT_ACTOR_CLAIM ? { actorClaim: env.CLOSEGATE_JWT_ACTOR_CLAIM } : {}),
    ...(env.CLOSEGATE_JWT_SERVICE_CLAIM ? { serviceClaim: env.CLOSEGATE_JWT_SERVICE_CLAIM } : {}),
    ...(algorithms.length > 0 ? { algorithms } : {}),
    ...(env.CLOSEGATE_JWT_JWKS_URI ? { jwksUri: env.CLOSEGATE_JWT_JWKS_URI } : {}),
    ...(tolerance ? { clockToleranceSeconds: Number(tolerance) } : {}),
    ...(scopes.length > 0 ? { requiredScopes: scopes } : {}),
  };
}

/** CLOSEGATE_AUTH_BACKEND=jwt: access tokens from the company's IdP (Okta, Entra ID, Google ...). */
export function jwtFromEnv(env: NodeJS.ProcessEnv): Authenticator {
  try {
    return jwtAuthenticator(jwtOptionsFromEnv(env));
  } catch (err) {
    if (err instanceof HostConfigError) throw new McpConfigError(`CLOSEGATE_JWT_*: ${err.message}`);
    throw err;
  }
}
