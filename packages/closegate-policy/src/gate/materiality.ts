import { Decimal } from '../money/decimal.js';
import { absPlain, comparePlainAbs } from '../money/plain.js';
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
    return exceeds(local.amount, override.amount);
  }
  return exceeds(subject.amountUsd, policy.document.materiality_threshold_usd);
}

/**
 * True when the policy sets a match variance threshold and the subject's
 * variance is strictly above it (signs ignored). No threshold, or no variance
 * on the subject: false.
 */
export function varianceOverThreshold(subject: MatchSubject, policy: Policy): boolean {
  const threshold = policy.document.match_variance_threshold_usd;
  if (threshold === undefined || subject.varianceUsd === undefined) return false;
  return exceeds(subject.varianceUsd, threshold);
}

/** |amount| > threshold, as text when both are plain decimals (no Decimal per decision). */
function exceeds(amount: string, threshold: string): boolean {
  const a = absPlain(amount);
  const t = threshold.startsWith('-') ? undefined : absPlain(threshold);
  if (a !== undefined && t !== undefined) return comparePlainAbs(a, t) > 0;
  return new Decimal(amount).abs().gt(threshold);
}

/** True when the rationale is present and at least the policy's minimum length once trimmed. */
export function hasRationale(rationale: string | undefined, policy: Policy): boolean {
  return (rationale ?? '').trim().length >= policy.document.rationale_required.min_length;
}
