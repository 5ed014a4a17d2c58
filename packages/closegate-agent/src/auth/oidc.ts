import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { isLoopbackHost } from 'mcp-host';

export interface OidcOptions {
  /** The IdP's issuer URL (discovery at /.well-known/openid-configuration). */
  issuer: string;
  clientId: string;
  /** Confidential clients only; public clients rely on PKCE alone. */
  clientSecret?: string | undefined;
  /** Where the IdP sends the browser back; default <service URL>/auth/callback. Register it at the IdP. */
  redirectUri?: string | undefined;
  /** Default 'openid email profile'. */
  scope?: string | undefined;
  /** Which ID-token claim names the human: actor = human:<claim value>. Default 'sub'. */
  actorClaim?: 'sub' | 'email' | undefined;
}

interface PendingLogin {
  verifier: string;
  state: string;
  nonce: string;
  createdAt: number;
}

/** Pending logins kept at most (a flood of /auth/login cannot grow memory without bound). */
const MAX_PENDING = 1000;
const PENDING_TTL_MS = 10 * 60_000;
const ACTOR_ID = /^[A-Za-z0-9._@-]{1,64}$/;

export class OidcLoginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcLoginError';
  }
}

/**
 * Authorization code + PKCE (S256) with openid-client, plus state and nonce.
 * A pending login lives server-side under a random id held in a short-lived cookie.
 */
export class OidcLogin {
  readonly #pending = new Map<string, PendingLogin>();
  private constructor(
    private readonly config: oidc.Configuration,
    private readonly redirectUri: string,
    private readonly scope: string,
    private readonly actorClaim: 'sub' | 'email',
  ) {}

  static async discover(o: OidcOptions, serviceUrl: string): Promise<OidcLogin> {
    const issuer = new URL(o.issuer);
    // Plain http only for an IdP on this machine (tests, local dev IdPs).
    const insecure = issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname.replace(/^\[|\]$/g, ''));
    if (issuer.protocol !== 'https:' && !insecure)
      throw new OidcLoginError(`OIDC issuer must be https (http only on loopback): ${o.issuer}`);
    const auth = o.clientSecret === undefined ? oidc.None() : oidc.ClientSecretPost(o.clientSecret);
    const config = await oidc.discovery(
      issuer,
      o.clientId,
      o.clientSecret === undefined ? undefined : { client_secret: o.clientSecret },
      auth,
      insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
    );
    return new OidcLogin(
      config,
      o.redirectUri ?? new URL('/auth/callback', serviceUrl).href,
      o.scope ?? 'openid email profile',
      o.actorClaim ?? 'sub',
    );
  }

  /** Starts a login: returns the pending id (for the cookie) and the IdP URL to redirect to. */
  async begin(now = Date.now()): Promise<{ id: string; url: string }> {
    this.#expire(now);
    if (this.#pending.size >= MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value!);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const id = randomBytes(24).toString('base64url');
    this.#pending.set(id, { verifier, state, nonce, createdAt: now });
    const url = oidc.buildAuthorizationUrl(this.config, {
      redirect_uri: this.redirectUri,
      scope: this.scope,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { id, url: url.href };
  }

  /**
   * Finishes a login from the callback's query string. The pending login is used up
   * whatever happens, so a callback can be replayed never.
   */
  async finish(
    pendingId: string | undefined,
    query: string,
    now = Date.now(),
  ): Promise<{ actorId: string; displayName: string }> {
    const pending = pendingId === undefined ? undefined : this.#pending.get(pendingId);
    if (pendingId !== undefined) this.#pending.delete(pendingId);
    if (pending === undefined || now - pending.createdAt > PENDING_TTL_MS)
      throw new OidcLoginError('no login in progress for this browser (start again at /auth/login)');
    const current = new URL(this.redirectUri);
    current.search = query;
    let claims: Record<string, unknown> | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(this.config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims() as Record<string, unknown> | undefined;
      // Many IdPs put email (and name) only in userinfo: ask it, for the same subject.
      if (claims !== undefined && claims[this.actorClaim] === undefined && typeof claims.sub === 'string')
        claims = { ...(await oidc.fetchUserInfo(this.config, tokens.access_token, claims.sub)), ...claims };
    } catch (err) {
      throw new OidcLoginError(`the identity provider login failed: ${(err as Error).message}`);
    }
    const value = claims?.[this.actorClaim];
    if (typeof value !== 'string' || !ACTOR_ID.test(value))
      throw new OidcLoginError(`the ID token has no usable "${this.actorClaim}" claim for an actor id`);
    const name =
      typeof claims?.name === 'string'
        ? claims.name
        : typeof claims?.email === 'string'
          ? claims.email
          : value;
    return { actorId: `human:${value}`, displayName: name.slice(0, 200) };
  }

  #expire(now: number): void {
    for (const [id, p] of this.#pending) if (now - p.createdAt > PENDING_TTL_MS) this.#pending.delete(id);
  }
}
