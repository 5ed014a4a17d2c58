import type { IncomingMessage } from 'node:http';
import { isLoopbackAddress } from '../exposure/loopback.js';
import { makePrincipal } from '../principal.js';
import type { Authenticator, AuthResult } from './types.js';

const noAuthInstances = new WeakSet<Authenticator>();

/**
 * Local development only: every caller is `principalId`. Refuses requests whose peer
 * is not a loopback address, and the host refuses to bind a non-loopback address with it.
 */
export function noAuthLoopback(principalId: string): Authenticator {
  const principal = makePrincipal({ id: principalId, transport: 'http', attributes: { auth: 'none' } });
  const authenticator: Authenticator = {
    authenticate(req: IncomingMessage): AuthResult {
      if (!isLoopbackAddress(req.socket.remoteAddress)) {
        return { ok: false, status: 401, reason: 'unauthenticated access is allowed from loopback only' };
      }
      return { ok: true, principal };
    },
  };
  noAuthInstances.add(authenticator);
  return authenticator;
}

/** True for authenticators created by noAuthLoopback (they authenticate nobody). */
export function isNoAuthAuthenticator(authenticator: Authenticator | undefined): boolean {
  return authenticator !== undefined && noAuthInstances.has(authenticator);
}
