import { EngineError } from '../errors.js';

/** One problem in a books.yaml, at a key path such as `accounts.3.entity`. */
export interface BooksIssue {
  path: string;
  message: string;
}

/**
 * books.yaml that does not parse or validate (code BOOKS_INVALID), or a
 * change `books apply` refuses (BOOKS_ACCOUNT_HAS_ENTRIES,
 * BOOKS_ENTITY_HAS_ENTRIES, BOOKS_RATE_CONFLICT, BOOKS_ACTOR_REFUSED,
 * BOOKS_NOT_EMPTY). Every issue names its key path.
 */
export class BooksError extends EngineError {
  readonly issues: readonly BooksIssue[];
  constructor(code: string, issues: readonly BooksIssue[]) {
    const lines = issues.map((i) => `  ${i.path || '(document)'}: ${i.message}`).join('\n');
    super(code, `books.yaml ${code === 'BOOKS_INVALID' ? 'is invalid' : 'change refused'}:\n${lines}`, {
      issues,
    });
    this.name = 'BooksError';
    this.issues = issues;
  }

  /** The first offending key path ('' for whole-document problems). */
  get path(): string {
    return this.issues[0]?.path ?? '';
  }
}
