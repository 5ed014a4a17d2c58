import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { HostConfigError } from '../errors.js';
import { makePrincipal, principalIdSchema } from '../principal.js';
import { bearerToken } from './credentials.js';
import { mapActor } from './jwt/actor-mapping.js';
import { loadJose, type Jose } from './jwt/jose.js';
import { assertFetchableUrl, IssuerKeys, IssuerUnavailableError } from './jwt/issuer-keys.js';
import type { Authenticator, AuthResult, ResourceMetadataHint } from './types.js';

/** Asymmetric signatures only: `none` and HMAC (HS*) are never accepted, whatever the config says. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'];

export type JwtAuthenticatorOptions = {
  /** Issuer URL exactly as the IdP writes it in `iss` (and serves discovery under). */
  issuer: string;
  /** Accepted `aud` value(s): the resource identifier this server was registered as. */
  audience: string | string[];
  /** Allow-list of header `alg` values (default RS256, PS256, ES256, EdDSA). */
  algorithms?: string[];
  /** JWKS URL; discovered from `<issuer>/.well-known/openid-configuration` when omitted. */
  jwksUri?: string;
  /** Claim naming a person (default `email`) → `human:<value>`. */
  actorClaim?: string;
  /** Claim identifying a service client for `serviceActors` (default `sub`). */
  serviceClaim?: string;
  /** Service clients: value of `serviceClaim` → actor id. The only way to a non-human actor. */
  serviceActors?: Record<string, string>;
  /** Product rule for the resulting actor id (e.g. closegate's actor syntax). */
  validateActor?: (id: string) => boolean;
  /** Tolerated clock difference for exp/nbf/iat, seconds (default 30, at most 300). */
  clockToleranceSeconds?: number;
  /** Scopes every token must carry (space-separated `scope` or `scp` claim). */
  requiredScopes?: string[];
  /** Bound on each discovery/JWKS fetch (default 5 s). */
  fetchTimeoutMs?: number;
  /** Least time between unknown-kid refreshes, and back-off after a failed fetch (default 30 s). */
  jwksCooldownMs?: number;
  /** Key cache lifetime (default 10 min). */
  jwksCacheMaxAgeMs?: number;
};

const optionsSchema = z
  .object({
    issuer: z.string().min(1),
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    algorithms: z
      .array(z.string())
      .min(1)
      .refine(
        (algs) => algs.every((a) => (ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a)),
        `algorithms may only name asymmetric signatures (${ASYMMETRIC_ALGORITHMS.join(', ')}); none and HS* are refused`,
      )
      .default(DEFAULT_ALGORITHMS),
    jwksUri: z.string().min(1).optional(),
    actorClaim: z
      .string()
      .regex(/^[A-Za-z0-9_.:/-]{1,64}$/)
      .default('email'),
    serviceClaim: z
      .string()
      .regex(/^[A-Za-z0-9_.:/-]{1,64}$/)
      .default('sub'),
    serviceActors: z.record(z.string().min(1), principalIdSchema).default({}),
    validateActor: z.custom<(id: string) => boolean>((v) => typeof v === 'function').optional(),
    clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
    requiredScopes: z.array(z.string().min(1)).default([]),
    fetchTimeoutMs: z.number().int().min(1).max(60_000).default(5_000),
    jwksCooldownMs: z.number().int().min(0).max(3_600_000).default(30_000),
    jwksCacheMaxAgeMs: z.number().int().min(1_000).max(86_400_000).default(600_000),
  })
  .strict();

function parseOptions(options: JwtAuthenticatorOptions): z.infer<typeof optionsSchema> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'options'}: ${i.message}`)
      .join('; ');
    throw new HostConfigError(`invalid JWT authenticator options: ${detail}`);
  }
  try {
    assertFetchableUrl(parsed.data.issuer, 'issuer');
    if (parsed.data.jwksUri !== undefined) assertFetchableUrl(parsed.data.jwksUri, 'jwksUri');
  } catch (error) {
    throw new HostConfigError(`invalid JWT authenticator options: ${(error as Error).message}`);
  }
  return parsed.data;
}

function scopesOf(payload: Record<string, unknown>): Set<string> {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return new Set(raw.split(' ').filter(Boolean));
  if (Array.isArray(raw)) return new Set(raw.filter((s): s is string => typeof s === 'string'));
  return new Set();
}

/** A log-safe reason for a refused token: the error class, never the token. */
function refusal(error: unknown, joseErrors: Jose['errors']): AuthResult {
  if (error instanceof IssuerUnavailableError) return { ok: false, status: 503, reason: error.message };
  if (error instanceof joseErrors.JOSEError)
    return { ok: false, status: 401, reason: `${error.code}: ${error.message}` };
  return { ok: false, status: 401, reason: 'token rejected' };
}

export type JwtAuthenticator = Authenticator & {
  readonly resourceMetadata: ResourceMetadataHint;
  /** Discovery + JWKS fetches so far (diagnostics). */
  readonly keyFetches: number;
};

/**
 * Bearer access tokens issued by the company's IdP (OAuth 2.0 / OIDC): signature
 * against the issuer's published keys, `iss`, `aud`, `exp`/`nbf` with a small
 * tolerance, and an algorithm allow-list checked before any key is looked up.
 * The actor is a person from `actorClaim`, or a service from the explicit table.
 */
export function jwtAuthenticator(options: JwtAuthenticatorOptions): JwtAuthenticator {
  const o = parseOptions(options);
  // Only an HTTP host with JWT auth gets here: start loading jose now rather than on the first token.
  loadJose().catch(() => undefined);
  const keys = new IssuerKeys({
    issuer: o.issuer,
    jwksUri: o.jwksUri,
    fetchTimeoutMs: o.fetchTimeoutMs,
    cooldownMs: o.jwksCooldownMs,
    cacheMaxAgeMs: o.jwksCacheMaxAgeMs,
  });
  const audiences = Array.isArray(o.audience) ? o.audience : [o.audience];
  const mapping = {
    actorClaim: o.actorClaim,
    serviceClaim: o.serviceClaim,
    serviceActors: new Map(Object.entries(o.serviceActors)),
  };
  const allowed = new Set(o.algorithms);
  return {
    resourceMetadata: {
      authorizationServers: [o.issuer],
      resource: audiences[0]!,
      ...(o.requiredScopes.length > 0 ? { scopesSupported: o.requiredScopes } : {}),
    },
    get keyFetches() {
      return keys.fetchCount;
    },
    async authenticate(req: IncomingMessage): Promise<AuthResult> {
      const token = bearerToken(req);
      if (token === undefined) return { ok: false, status: 401, reason: 'missing or malformed bearer token' };
      const { decodeProtectedHeader, errors, jwtVerify } = await loadJose();
      let alg: unknown;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch {
        return { ok: false, status: 401, reason: 'token is not a JWS' };
      }
      // Checked here before any key lookup: an alg outside the list never reaches the JWKS.
      if (typeof alg !== 'string' || !allowed.has(alg)) {
        return { ok: false, status: 401, reason: `alg ${JSON.stringify(alg)} not allowed` };
      }
      let payload;
      try {
        ({ payload } = await jwtVerify(token, keys.getKey, {
          issuer: o.issuer,
          audience: audiences,
          algorithms: o.algorithms,
          clockTolerance: o.clockToleranceSeconds,
          requiredClaims: ['exp', 'iss', 'aud'],
        }));
      } catch (error) {
        return refusal(error, errors);
      }
      const scopes = scopesOf(payload);
      const missing = o.requiredScopes.filter((s) => !scopes.has(s));
      if (missing.length > 0)
        return { ok: false, status: 403, reason: `missing scope(s) ${missing.join(' ')}` };
      const actor = mapActor(payload, mapping);
      if (!actor.ok) return { ok: false, status: 403, reason: actor.reason };
      if (!principalIdSchema.safeParse(actor.id).success || (o.validateActor && !o.validateActor(actor.id))) {
        return { ok: false, status: 403, reason: 'actor rejected by validation' };
      }
      const attributes: Record<string, string> = { auth: 'jwt', kind: actor.kind };
      if (typeof payload.sub === 'string') attributes.subject = payload.sub.slice(0, 256);
      return { ok: true, principal: makePrincipal({ id: actor.id, transport: 'http', attributes }) };
    },
  };
}
