/** Labelled matcher fixtures and scoring, shared by the tests and the eval harness. */
import type { LabelledCase } from './types.js';
import { heldOutCases, tuningCases } from './v2/index.js';

export { legacyCases } from './cases.js';
export { heldOutCases, tuningCases } from './v2/index.js';
export {
  predictCase,
  runCase,
  scoreCases,
  type CaseOutcome,
  type F1Report,
  type FalseMatch,
  type Predicted,
} from './score.js';
export { FIXTURE_FX_RATES, MATCH_LABELS, type LabelledCase, type MatchLabel } from './types.js';

/** The scored labelled set: the tuning set, then the held-out set. */
export function labelledCases(): LabelledCase[] {
  return [...tuningCases(), ...heldOutCases()];
}
