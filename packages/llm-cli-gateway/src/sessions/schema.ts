import { z } from 'zod';
import { PROVIDER_IDS } from '../providers/contract.js';

/**
 * A gateway session. Content-free by construction: the schema is strict, so a
 * field carrying prompt or response text can never be written or read back.
 */
export const sessionSchema = z
  .object({
    id: z.string().uuid(),
    cli: z.enum(PROVIDER_IDS),
    description: z.string().max(200),
    createdAt: z.string(),
    lastUsedAt: z.string(),
    active: z.boolean(),
    providerSessionId: z.string().max(200).optional(),
    /** Principal that created it: sessions are private to their owner. */
    owner: z.string().min(1).max(256),
    /** Workspace alias the session was created in: it may only be resumed there. */
    workspace: z.string().max(64).optional(),
  })
  .strict();
export type Session = z.infer<typeof sessionSchema>;

export const sessionFileSchema = z
  .object({
    version: z.literal(1),
    sessions: z.array(sessionSchema),
  })
  .strict();
export type SessionFile = z.infer<typeof sessionFileSchema>;
