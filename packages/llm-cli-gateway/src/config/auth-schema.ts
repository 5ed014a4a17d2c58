import { z } from 'zod';

/** Printable ASCII without spaces: the rule mcp-host applies to principal ids. */
const ACTOR = /^[\x21-\x7e]{1,128}$/;
const CLAIM = /^[A-Za-z0-9_.:/-]{1,64}$/;

/**
 * `[auth]`: how HTTP callers prove who they are.
 * - `backend = "token"` (default): `[[http.principals]]` bearer tokens (SHA-256 hashes).
 * - `backend = "jwt"`: access tokens from the company's IdP (Okta, Entra ID, Google ...),
 *   verified against the issuer's published keys; a person becomes `human:<claim value>`,
 *   a service client gets a name only through `[auth.service_actors]`.
 */
export const authSchema = z
  .object({
    backend: z.enum(['token', 'jwt']).default('token'),
    issuer: z.url({ protocol: /^https?$/ }).optional(),
    audience: z.union([z.string().min(1).max(512), z.array(z.string().min(1).max(512)).min(1)]).optional(),
    actor_claim: z.string().regex(CLAIM, 'must be a claim name').default('email'),
    service_claim: z.string().regex(CLAIM, 'must be a claim name').default('sub'),
    service_actors: z
      .record(z.string().min(1).max(256), z.string().regex(ACTOR, 'must be 1-128 printable ASCII characters'))
      .default({}),
    algorithms: z.array(z.string().min(1)).min(1).optional(),
    jwks_uri: z.url({ protocol: /^https?$/ }).optional(),
    clock_tolerance_seconds: z.number().int().min(0).max(300).default(30),
    required_scopes: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .superRefine((auth, ctx) => {
    if (auth.backend !== 'jwt') return;
    if (auth.issuer === undefined)
      ctx.addIssue({ code: 'custom', path: ['issuer'], message: 'backend "jwt" needs the IdP issuer URL' });
    if (auth.audience === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['audience'],
        message: 'backend "jwt" needs the audience (this gateway\'s resource id at the IdP)',
      });
  });

export type AuthFileConfig = z.infer<typeof authSchema>;
