import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { HostConfigError } from '../errors.js';
import { makePrincipal, principalIdSchema } from '../principal.js';
import { bearerToken } from './credentials.js';
import { findDigest, sha256 } from './digest.js';
import type { Authenticator, AuthResult } from './types.js';

const entrySchema = z
  .object({
    principalId: principalIdSchema,
    token: z.string().min(1, 'token must not be empty').optional(),
    tokenSha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'tokenSha256 must be 64 hex characters')
      .optional(),
  })
  .strict()
  .refine((e) => (e.token === undefined) !== (e.tokenSha256 === undefined), {
    message: 'give exactly one of token or tokenSha256',
  });

export type BearerEntry = { principalId: string; token?: string; tokenSha256?: string };

function parseEntries(entries: BearerEntry[]): Array<{ principalId: string; digest: Buffer }> {
  const parsed = z.array(entrySchema).min(1, 'at least one bearer entry is required').safeParse(entries);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'entries'}: ${i.message}`)
      .join('; ');
    throw new HostConfigError(`invalid bearer token entries: ${detail}`);
  }
  return parsed.data.map((e) => ({
    principalId: e.principalId,
    digest: e.token !== undefined ? sha256(e.token) : Buffer.from(e.tokenSha256!, 'hex'),
  }));
}

function rejectDuplicates(list: Array<{ principalId: string; digest: Buffer }>): void {
  const seen = new Set<string>();
  for (const { principalId, digest } of list) {
    const key = digest.toString('hex');
    if (seen.has(key))
      throw new HostConfigError(`bearer token of principal "${principalId}" is also used by another entry`);
    seen.add(key);
  }
}

/**
 * Each bearer token maps to one principal. Only SHA-256 digests are kept in memory;
 * the presented token is hashed and compared against all of them in constant time.
 */
export function bearerTokenAuthenticator(entries: BearerEntry[]): Authenticator {
  const list = parseEntries(entries);
  rejectDuplicates(list);
  const digests = list.map((e) => e.digest);
  const principals = list.map((e) =>
    makePrincipal({ id: e.principalId, transport: 'http', attributes: { auth: 'bearer' } }),
  );
  return {
    authenticate(req: IncomingMessage): AuthResult {
      const token = bearerToken(req);
      if (token === undefined) return { ok: false, status: 401, reason: 'missing or malformed bearer token' };
      const index = findDigest(sha256(token), digests);
      if (index < 0) return { ok: false, status: 401, reason: 'unknown bearer token' };
      return { ok: true, principal: principals[index]! };
    },
  };
}
