import type { Policy } from '../policy/load.js';
import { parseActor, sameActor } from './actor.js';

export type CliIdentityCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether the OS account running the CLI may act as `actorRaw`. Pure: the caller
 * supplies the OS user. Only `human:` actors are checked, and only when the policy
 * sets `cli_identity.require_os_user_match`. The CLI trusts the local OS account:
 * this binds a person to their login, it does not authenticate them.
 */
export function checkCliIdentity(policy: Policy, actorRaw: string, osUser: string): CliIdentityCheck {
  const rules = policy.document.cli_identity;
  const actor = parseActor(actorRaw);
  if (actor.kind !== 'human' || !rules.require_os_user_match) return { ok: true };
  const mapped = Object.entries(rules.os_users).find(([user]) => user.toLowerCase() === osUser.toLowerCase());
  if (mapped === undefined)
    return { ok: false, reason: `OS user ${osUser} is not listed in cli_identity.os_users` };
  if (!sameActor(parseActor(mapped[1]), actor))
    return { ok: false, reason: `OS user ${osUser} may act only as ${mapped[1]}, not ${actor.raw}` };
  return { ok: true };
}
