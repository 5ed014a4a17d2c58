import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPolicy, type MatchSubject, type Policy } from '../src/index.js';

export const EXAMPLE_POLICY_TEXT = readFileSync(
  fileURLToPath(new URL('../examples/policy.yaml', import.meta.url)),
  'utf8',
);

export const examplePolicy: Policy = loadPolicy(EXAMPLE_POLICY_TEXT);

/** The example policy with one exact text replacement (fails loudly if the text is absent). */
export function policyTextWith(search: string, replacement: string): string {
  if (!EXAMPLE_POLICY_TEXT.includes(search))
    throw new Error(`example policy has no ${JSON.stringify(search)}`);
  return EXAMPLE_POLICY_TEXT.replace(search, replacement);
}

/** A confirmable exact match below materiality on an ordinary account, proposed by the engine. */
export function matchSubject(overrides: Partial<MatchSubject> = {}): MatchSubject {
  return {
    matchId: 'm-1',
    state: 'proposed',
    matchType: 'exact',
    proposedBy: 'engine:matcher',
    amountUsd: '125.00',
    entity: 'US01',
    accountCodes: ['1200', '4000'],
    ...overrides,
  };
}

export const RATIONALE = 'Matched to remittance advice 4471 and bank line 2026-03-31.';
