import { Decimal } from '../money/decimal.js';
import type { Policy } from '../policy/load.js';
import type { MatchSubject } from './subjects.js';

/**
 * True when the match is above materiality, strictly: an amount exactly at
 * the threshold is not material. Signs are ignored (a credit is as material
 * as a debit).
 *
 * An entity with an override is measured only against the override, in the
 * override's currency. If the subject does not carry its local amount in that
 * currency the match counts as material: the gate fails closed rather than
 * guess a conversion.
 */
export function isMaterial(subject: MatchSubject, policy: Policy): boolean {
  const overrides = policy.document.entity_materiality_overrides;
  if (Object.hasOwn(overrides, subject.entity)) {
    const override = overrides[subject.entity]!;
    const local = subject.localAmount;
    if (!local || local.currency !== override.currency) return true;
    return new Decimal(local.amount).abs().gt(threshold(override.amount));
  }
  return new Decimal(subject.amountUsd).abs().gt(threshold(policy.document.materiality_threshold_usd));
}

/**
 * A policy's thresholds as Decimals, parsed once rather than on every
 * decision (a Decimal is immutable, so one can be shared). A policy has a
 * handful; the bound only guards against a stream of reloaded policies.
 */
const THRESHOLDS_MAX = 256;
const thresholds = new Map<string, Decimal>();

function threshold(text: string): Decimal {
  let d = thresholds.get(text);
  if (d === undefined) {
    d = new Decimal(text);
    if (thresholds.size < THRESHOLDS_MAX) thresholds.set(text, d);
  }
  return d;
}

/** True when the rationale is present and at least the policy's minimum length once trimmed. */
export function hasRationale(rationale: string | undefined, policy: Policy): boolean {
  return (rationale ?? '').trim().length >= policy.document.rationale_required.min_length;
}
