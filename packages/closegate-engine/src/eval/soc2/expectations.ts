import { ACCURACY_MIN_CASES, ACCURACY_THRESHOLD } from '../accuracy/run.js';
import { ADVERSARIAL_MIN_CASES, ADVERSARIAL_THRESHOLD } from '../adversarial/constants.js';
import { LATENCY_MIN_CASES, LATENCY_THRESHOLD } from '../latency/run.js';
import { POLICY_MIN_CASES, POLICY_THRESHOLD } from '../policy/run.js';
import type { DimensionName, Threshold } from '../types.js';

/**
 * What the monitor holds each deterministic dimension to. These are the
 * monitor's own copies: a summary that lowers its threshold or case minimum
 * is judged against these, not against itself.
 */
export const MONITORED: Record<DimensionName, { threshold: Threshold; minCases: number }> = {
  accuracy: { threshold: ACCURACY_THRESHOLD, minCases: ACCURACY_MIN_CASES },
  policy: { threshold: POLICY_THRESHOLD, minCases: POLICY_MIN_CASES },
  adversarial: { threshold: ADVERSARIAL_THRESHOLD, minCases: ADVERSARIAL_MIN_CASES },
  latency: { threshold: LATENCY_THRESHOLD, minCases: LATENCY_MIN_CASES },
};
