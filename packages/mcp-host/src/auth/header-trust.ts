import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { HostConfigError } from '../errors.js';
import { principalIdSchema } from '../principal.js';
import { bearerToken, singleHeader } from './credentials.js';
import { findDigest, sha256 } from './digest.js';
import type { Authenticator, AuthResult } from './types.js';

export type HeaderTrustOptions = {
  /** Credential of the trusted agent service / reverse proxy. Kept only as a SHA-256 digest. */
  serviceToken: string;
  /** Header naming the actor, e.g. 'x-actor-id'. */
  header: string;
  /** Product rule for acceptable actor ids (e.g. `human:` / `llm:` prefixes). */
  validateId: (id: string) => boolean;
};

const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'origin',
  'cookie',
  'mcp-session-id',
  'content-length',
]);

const optionsSchema = z.object({
  serviceToken: z.string().min(1, 'serviceToken must not be empty'),
  header: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'header must be a plain header name')
    .refine((h) => !RESERVED_HEADERS.has(h.toLowerCase()), 'header must not be a reserved HTTP/MCP header'),
  validateId: z.custom<(id: string) => boolean>(
    (v) => typeof v === 'function',
    'validateId must be a function',
  ),
});

/**
 * Trusted-proxy authentication: the service proves itself with its bearer token and
 * names the actor in a header. The header is read ONLY after the service token
 * matched; without it the request is refused (401) and the header never looked at.
 */
export function headerTrustAuthenticator(options: HeaderTrustOptions): Authenticator {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new HostConfigError(
      `invalid header-trust options: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  const digests = [sha256(parsed.data.serviceToken)];
  const header = parsed.data.header.toLowerCase();
  const validateId = parsed.data.validateId;
  return {
    authenticate(req: IncomingMessage): AuthResult {
      const token = bearerToken(req);
      if (token === undefined || findDigest(sha256(token), digests) < 0) {
        return { ok: false, status: 401, reason: 'missing or invalid service token' };
      }
      const actor = singleHeader(req, header);
      if (actor.kind !== 'value') return { ok: false, status: 403, reason: `${header} ${actor.kind}` };
      const id = actor.value;
      if (!principalIdSchema.safeParse(id).success || !validateId(id)) {
        return { ok: false, status: 403, reason: `${header} rejected by validation` };
      }
      return { ok: true, principal: { id, transport: 'http', attributes: { auth: 'header-trust' } } };
    },
  };
}
