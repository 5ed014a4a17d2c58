import { normalizeWording } from './wording.js';

/** The tools a reviewer needs to read the code it is asked to review. */
export const REVIEW_READ_TOOLS = ['Read', 'Grep', 'Glob'] as const;

export type ReviewIntegrityStatus = 'not_applicable' | 'compliant' | 'violated';

export interface ReviewIntegrity {
  readonly status: ReviewIntegrityStatus;
  readonly reasons: readonly string[];
}

const REVIEW_WORDING =
  /\b(?:code[- ]?review|security review|review (?:this|the|my|these|that|our)\b|(?:review|audit)\b.{0,40}\b(?:code|diff|pr|pull request|changes?|commits?|patch|branch))/;

/** A request is a review when the caller says so or its wording asks for one. */
export function isReviewRequest(prompt: string, declared: boolean | undefined): boolean {
  return declared === true || REVIEW_WORDING.test(normalizeWording(prompt));
}

function toolName(entry: string): string {
  const paren = entry.indexOf('(');
  return (paren === -1 ? entry : entry.slice(0, paren)).trim();
}

/**
 * Checks that a review request leaves the reviewer able to read: none of
 * Read/Grep/Glob disallowed, and no explicitly empty tool allow-list.
 *
 * The status is derived from the reasons and nothing else, so a result with
 * any violation can never be reported as compliant.
 */
export function checkReviewIntegrity(review: boolean, options: Record<string, unknown>): ReviewIntegrity {
  if (!review) return { status: 'not_applicable', reasons: [] };
  const reasons: string[] = [];
  const disallowed = Array.isArray(options.disallowedTools) ? (options.disallowedTools as unknown[]) : [];
  for (const entry of disallowed) {
    if (typeof entry !== 'string') continue;
    const name = toolName(entry);
    if ((REVIEW_READ_TOOLS as readonly string[]).includes(name))
      reasons.push(`review request disallows the read tool ${name}`);
  }
  if (Array.isArray(options.allowedTools) && options.allowedTools.length === 0) {
    reasons.push('review request empties the tool allow-list');
  }
  return reviewIntegrityOf(reasons);
}

/** The only constructor of a checked result: violated whenever there is a reason. */
export function reviewIntegrityOf(reasons: readonly string[]): ReviewIntegrity {
  return { status: reasons.length > 0 ? 'violated' : 'compliant', reasons: [...reasons] };
}
