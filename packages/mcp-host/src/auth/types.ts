import type { IncomingMessage } from 'node:http';
import type { Principal } from '../principal.js';

/**
 * 401: no or a bad credential (counted as a failed authentication);
 * 403: a good credential that may not act here;
 * 503: the authenticator cannot decide right now (e.g. the IdP's keys are unreachable) —
 * not the caller's fault, so never counted against the caller's address.
 */
export type AuthResult =
  { ok: true; principal: Principal } | { ok: false; status: 401 | 403 | 503; reason: string };

/** Where OAuth-capable MCP clients find the authorization server (RFC 9728). */
export type ResourceMetadataHint = {
  /** Issuer URLs of the authorization servers whose tokens are accepted. */
  authorizationServers: string[];
  /** The resource identifier tokens must be issued for (the audience), when known. */
  resource?: string;
  scopesSupported?: string[];
};

/**
 * Decides who is calling from the HTTP request alone (headers, socket). Runs before
 * any MCP handling; `reason` is for the server log and is never sent to the client.
 * May answer asynchronously (JWT verification fetches the issuer's keys).
 */
export interface Authenticator {
  authenticate(req: IncomingMessage): AuthResult | Promise<AuthResult>;
  /** Set by authenticators backed by an OAuth authorization server (JWT). */
  readonly resourceMetadata?: ResourceMetadataHint;
}
