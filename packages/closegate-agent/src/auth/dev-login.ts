import { createHash, randomBytes } from 'node:crypto';
import { isLoopbackAddress } from 'mcp-host';

const USER = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * The development login: one random token printed at start-up (like a notebook
 * server), good for one use, for one configured user, from loopback only. It is
 * never created when the service listens off loopback.
 */
export class DevLogin {
  #digest: string | null;
  constructor(readonly user: string) {
    if (!USER.test(user)) throw new Error(`dev user must match ${USER.source}, got ${JSON.stringify(user)}`);
    this.token = randomBytes(32).toString('base64url');
    this.#digest = createHash('sha256').update(this.token).digest('hex');
  }
  readonly token: string;

  /** Uses the token up; returns the actor on success. */
  redeem(
    presented: string | null,
    remoteAddress: string | undefined,
  ): { ok: true; actorId: string } | { ok: false; reason: string } {
    if (!isLoopbackAddress(remoteAddress))
      return { ok: false, reason: 'the development login works from this machine only' };
    if (this.#digest === null) return { ok: false, reason: 'the development login link was already used' };
    if (presented === null) return { ok: false, reason: 'no token' };
    const d = createHash('sha256').update(presented).digest('hex');
    if (d !== this.#digest) return { ok: false, reason: 'wrong token' };
    this.#digest = null;
    return { ok: true, actorId: `human:${this.user}` };
  }
}
