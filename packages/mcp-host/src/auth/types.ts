import type { IncomingMessage } from 'node:http';
import type { Principal } from '../principal.js';

export type AuthResult =
  { ok: true; principal: Principal } | { ok: false; status: 401 | 403; reason: string };

/**
 * Decides who is calling from the HTTP request alone (headers, socket). Runs before
 * any MCP handling; `reason` is for the server log and is never sent to the client.
 */
export interface Authenticator {
  authenticate(req: IncomingMessage): AuthResult;
}
