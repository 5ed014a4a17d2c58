import type { Policy } from '../../policy/load.js';
import type { Actor } from '../actor.js';
import type { BlockingDecision } from '../decision.js';

/** A rule looks at its input and either blocks (returns a decision) or passes (undefined). */
export type Rule<Input> = (input: Input) => BlockingDecision | undefined;

export interface RuleInput<Subject> {
  subject: Subject;
  actor: Actor;
  policy: Policy;
}

/** The first blocking decision of `rules`, in order, or undefined when all pass. */
export function firstBlocking<Input>(
  rules: readonly Rule<Input>[],
  input: Input,
): BlockingDecision | undefined {
  for (const rule of rules) {
    const decision = rule(input);
    if (decision) return decision;
  }
  return undefined;
}
