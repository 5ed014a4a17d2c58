/** Labelled matcher fixtures and scoring, shared by the tests and the eval harness. */
export { labelledCases } from './cases.js';
export { predictCase, scoreCases, type CaseOutcome, type F1Report, type Predicted } from './score.js';
export { FIXTURE_FX_RATES, MATCH_LABELS, type LabelledCase, type MatchLabel } from './types.js';
