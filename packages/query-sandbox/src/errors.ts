/** Suffixes of every error code; a product prefixes them (`QUERY_TIMEOUT`, `AUDIT_SQL_TIMEOUT`). */
export type QueryErrorKind =
  'INVALID' | 'NOT_READONLY' | 'FAILED' | 'INTEGRITY' | 'TIMEOUT' | 'WORKER' | 'SATURATED' | 'CLOSED';

/** A refused or stopped query, with a stable code such as `QUERY_TIMEOUT`. */
export class QuerySandboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: QueryErrorKind,
  ) {
    super(message);
    this.name = 'QuerySandboxError';
  }
}
