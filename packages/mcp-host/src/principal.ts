import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { z } from 'zod';
import { HostConfigError, PrincipalMissingError } from './errors.js';

/** The caller's identity, bound by the transport (never taken from tool arguments). */
export type Principal = {
  id: string;
  transport: 'stdio' | 'http';
  attributes?: Record<string, string>;
};

/** Ids are opaque to the host but must be printable, bounded and free of separators used in logs. */
export const principalIdSchema = z
  .string()
  .min(1, 'principal id must not be empty')
  .max(256, 'principal id must be at most 256 characters')
  .regex(/^[\x21-\x7e]+$/, 'principal id must be printable ASCII without spaces');

const principalSchema = z
  .object({
    id: principalIdSchema,
    transport: z.enum(['stdio', 'http']),
    attributes: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** Principals minted by makePrincipal: already validated and frozen, so checks can be skipped. */
const minted = new WeakSet<object>();

/** Validates and freezes a principal so handlers cannot mutate the identity they were given. */
export function makePrincipal(input: Principal): Readonly<Principal> {
  if (minted.has(input)) return input;
  const parsed = principalSchema.safeParse(input);
  if (!parsed.success) {
    throw new HostConfigError(`invalid principal: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const { attributes, ...rest } = parsed.data;
  const principal = Object.freeze(
    attributes ? { ...rest, attributes: Object.freeze({ ...attributes }) } : rest,
  );
  minted.add(principal);
  return principal;
}

const PRINCIPAL_KEY = 'principal';

/**
 * The SDK's AuthInfo carrying a principal. The raw credential is never copied in:
 * handlers get the identity, not the secret that proved it.
 */
export function authInfoFor(principal: Readonly<Principal>): AuthInfo {
  return {
    token: 'redacted',
    clientId: principal.id,
    scopes: [],
    extra: { [PRINCIPAL_KEY]: principal },
  };
}

/** Structural view of the SDK's RequestHandlerExtra: only `authInfo` matters here. */
export type ExtraWithAuth = { authInfo?: AuthInfo | undefined };

/**
 * The one way a tool handler learns who is calling. Reads the principal the transport
 * attached to the request context; throws PrincipalMissingError when there is none.
 */
export function principalFrom(extra: ExtraWithAuth | undefined): Readonly<Principal> {
  const candidate = extra?.authInfo?.extra?.[PRINCIPAL_KEY];
  if (typeof candidate === 'object' && candidate !== null && minted.has(candidate))
    return candidate as Principal;
  const parsed = principalSchema.safeParse(candidate);
  if (!parsed.success) throw new PrincipalMissingError();
  return candidate as Readonly<Principal>;
}
