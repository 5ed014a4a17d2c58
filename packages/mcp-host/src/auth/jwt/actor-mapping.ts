import type { JWTPayload } from 'jose';

export type ActorMappingOptions = {
  /** Claim naming a person (default `email`); its value becomes `human:<value>`. */
  actorClaim: string;
  /** Claim identifying a service client (default `sub`; Okta `cid`, Entra ID `azp`/`appid`). */
  serviceClaim: string;
  /** Explicit table: value of `serviceClaim` → actor id (e.g. `llm:agent`, `engine:recon`). */
  serviceActors: ReadonlyMap<string, string>;
};

export type MappedActor = { ok: true; id: string; kind: 'human' | 'service' } | { ok: false; reason: string };

/**
 * A person's identifier as the IdP states it: mail-like characters only. No `:`,
 * so the value can never smuggle a prefix (`engine:x` would become `human:engine:x`
 * and is refused here anyway); products may narrow it further.
 */
const HUMAN_VALUE = /^[A-Za-z0-9._%+'-]{1,128}(@[A-Za-z0-9.-]{1,128})?$/;

/**
 * Who a verified token speaks for. A service client gets a non-human actor only
 * through the operator's table; everything else is a person named by `actorClaim`.
 * The token itself can never choose an `engine:`/`llm:` actor.
 */
export function mapActor(payload: JWTPayload, options: ActorMappingOptions): MappedActor {
  const serviceKey = payload[options.serviceClaim];
  if (typeof serviceKey === 'string' && options.serviceActors.has(serviceKey)) {
    return { ok: true, id: options.serviceActors.get(serviceKey)!, kind: 'service' };
  }
  const raw = payload[options.actorClaim];
  if (raw === undefined)
    return { ok: false, reason: `token has no ${options.actorClaim} claim and no service mapping` };
  if (typeof raw !== 'string' || !HUMAN_VALUE.test(raw)) {
    return { ok: false, reason: `${options.actorClaim} claim is not a plain identifier` };
  }
  // An IdP that says the address is unverified does not vouch for the person.
  if (options.actorClaim === 'email' && payload.email_verified === false) {
    return { ok: false, reason: 'email is not verified by the issuer' };
  }
  return { ok: true, id: `human:${raw.toLowerCase()}`, kind: 'human' };
}
