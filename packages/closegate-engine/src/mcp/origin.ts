import type { Principal } from 'mcp-host';
import type { DecisionOrigin } from '../store/escalations.js';

const OS_USER = 'osUser';
const HOST = 'host';

/** Principal attributes of a stdio server: the OS account and host the process runs as. */
export function stdioOriginAttributes(origin: DecisionOrigin): Record<string, string> {
  return { [OS_USER]: origin.osUser, [HOST]: origin.host };
}

/**
 * Where a decision made through this call is cast, as resolve_escalation's `origin`:
 * a stdio server acts as one local OS account (like the CLI), so its OS user and host
 * are recorded with the vote and compared by the T3 shared-workstation rule. Over HTTP
 * (the desk, bearer or IdP tokens) the OS account is unknown: nothing is claimed, and
 * an attribute an HTTP authenticator might set is never read as one.
 */
export function originOf(principal: Readonly<Principal>): { origin?: DecisionOrigin } {
  if (principal.transport !== 'stdio') return {};
  const osUser = principal.attributes?.[OS_USER];
  const host = principal.attributes?.[HOST];
  if (osUser === undefined || osUser === '') return {};
  // an unnamed host must not cost the OS account, which is what the T3 rule compares
  return { origin: { osUser, host: host === undefined || host === '' ? 'unknown-host' : host } };
}
