import type { createRemoteJWKSet, JWTHeaderParameters, FlattenedJWSInput } from 'jose';
import { isLoopbackHost } from '../../exposure/loopback.js';
import { loadJose, type Jose } from './jose.js';

type KeyLookup = ReturnType<typeof createRemoteJWKSet>;
type VerifyKey = Awaited<ReturnType<KeyLookup>>;

/** The issuer's keys cannot be had right now (discovery or JWKS unreachable, hanging or invalid). */
export class IssuerUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IssuerUnavailableError';
  }
}

export type IssuerKeysOptions = {
  issuer: string;
  /** Skips discovery when given. */
  jwksUri?: string | undefined;
  /** Bound on each discovery / JWKS fetch. */
  fetchTimeoutMs: number;
  /** Least time between two JWKS fetches caused by an unknown kid, and the back-off after a failed fetch. */
  cooldownMs: number;
  /** How long fetched keys are used before they are fetched again. */
  cacheMaxAgeMs: number;
};

/** https, or http to a loopback host only (tests, a sidecar): keys fetched in clear text could be swapped. */
export function assertFetchableUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`${what} is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new TypeError(`${what} must be https (http is accepted for loopback hosts only): ${raw}`);
}

async function fetchDiscovery(issuer: string, timeoutMs: number): Promise<URL> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let doc: unknown;
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
      headers: { accept: 'application/json' },
    });
    if (res.status !== 200) throw new Error(`discovery answered ${res.status}`);
    doc = await res.json();
  } catch (cause) {
    throw new IssuerUnavailableError(`discovery of ${issuer} failed`, { cause });
  }
  const { issuer: announced, jwks_uri: jwksUri } = (doc ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
  // RFC 8414 / OIDC Discovery: the document must name exactly the issuer it was fetched for.
  if (announced !== issuer)
    throw new IssuerUnavailableError(`discovery document names issuer ${String(announced)}`);
  if (typeof jwksUri !== 'string') throw new IssuerUnavailableError('discovery document has no jwks_uri');
  try {
    return assertFetchableUrl(jwksUri, 'jwks_uri');
  } catch (cause) {
    throw new IssuerUnavailableError(String((cause as Error).message), { cause });
  }
}

/** Failures of the key endpoint, as opposed to a token naming a key the issuer does not have. */
function isAvailabilityFailure(error: unknown, errors: Jose['errors']): boolean {
  return !(error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys);
}

/**
 * The issuer's signing keys for jose's jwtVerify: JWKS location from the discovery
 * document (cached), keys cached by jose and refetched on an unknown kid at most
 * once per cooldown, every fetch bounded by a timeout. After a failed fetch every
 * lookup fails fast for one cooldown, so a hanging IdP cannot pile up waiting requests.
 */
export class IssuerKeys {
  private lookup: KeyLookup | undefined;
  /** Given in the options (no discovery); its key set is made on the first lookup, when jose is loaded. */
  private readonly jwksUrl: URL | undefined;
  private pendingDiscovery: Promise<KeyLookup> | undefined;
  private unavailableUntil = 0;
  private fetches = 0;

  constructor(
    private readonly options: IssuerKeysOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (options.jwksUri !== undefined) this.jwksUrl = assertFetchableUrl(options.jwksUri, 'jwksUri');
  }

  /** Discovery + JWKS fetches attempted so far (for diagnostics and tests). */
  get fetchCount(): number {
    return this.fetches;
  }

  readonly getKey = async (header: JWTHeaderParameters, token: FlattenedJWSInput): Promise<VerifyKey> => {
    if (this.now() < this.unavailableUntil)
      throw new IssuerUnavailableError('issuer keys unavailable (backing off)');
    const jose = await loadJose();
    try {
      if (this.lookup === undefined && this.jwksUrl !== undefined)
        this.lookup = this.remoteSet(jose, this.jwksUrl);
      const lookup = this.lookup ?? (await this.discover(jose));
      return await lookup(header, token);
    } catch (error) {
      if (error instanceof IssuerUnavailableError || isAvailabilityFailure(error, jose.errors)) {
        this.unavailableUntil = this.now() + this.options.cooldownMs;
        if (error instanceof IssuerUnavailableError) throw error;
        throw new IssuerUnavailableError('issuer keys could not be fetched', { cause: error });
      }
      throw error;
    }
  };

  private discover(jose: Jose): Promise<KeyLookup> {
    this.pendingDiscovery ??= (async () => {
      this.fetches++;
      const jwksUri = await fetchDiscovery(this.options.issuer, this.options.fetchTimeoutMs);
      this.lookup = this.remoteSet(jose, jwksUri);
      return this.lookup;
    })().finally(() => {
      this.pendingDiscovery = undefined;
    });
    return this.pendingDiscovery;
  }

  private remoteSet(jose: Jose, url: URL): KeyLookup {
    const fetchCounting: typeof fetch = (input, init) => {
      this.fetches++;
      return fetch(input, init);
    };
    return jose.createRemoteJWKSet(url, {
      timeoutDuration: this.options.fetchTimeoutMs,
      cooldownDuration: this.options.cooldownMs,
      cacheMaxAge: this.options.cacheMaxAgeMs,
      [jose.customFetch]: fetchCounting,
    });
  }
}
