/**
 * Typed errors of the audit chain. Every error carries a stable `code` that
 * callers can branch on, and a message a person can act on.
 */
export type AuditErrorCode =
  | 'AUDIT_APPEND_ONLY'
  | 'AUDIT_INVALID_EVENT'
  | 'AUDIT_INVALID_JSON'
  | 'AUDIT_INVALID_QUERY'
  | 'AUDIT_INVALID_HEAD'
  | 'AUDIT_INVALID_TABLE'
  | 'AUDIT_INVALID_PATH'
  | 'AUDIT_DUPLICATE_EVENT_ID'
  | 'AUDIT_CONCURRENT_APPEND'
  | 'AUDIT_NO_TRANSACTION'
  | 'AUDIT_MISSING_TABLE'
  | 'AUDIT_CORRUPT_ROW'
  | 'AUDIT_READONLY'
  | 'AUDIT_INVALID_KEY'
  | 'AUDIT_SIGNED_HEAD_CONFLICT'
  | 'AUDIT_NO_SIGNER';

export class AuditChainError extends Error {
  readonly code: AuditErrorCode;

  constructor(code: AuditErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditChainError';
    this.code = code;
  }
}

/** A value cannot be represented as canonical JSON (see `canonicalJson`). */
export class CanonicalJsonError extends AuditChainError {
  /** JSON-pointer-like path to the offending value, e.g. `/lines/0/amount`. */
  readonly path: string;

  constructor(path: string, message: string) {
    super('AUDIT_INVALID_JSON', `canonical JSON: ${message} at ${path === '' ? '(root)' : path}`);
    this.name = 'CanonicalJsonError';
    this.path = path;
  }
}

/** Message fragment raised by the append-only triggers; used to recognise them. */
export const APPEND_ONLY_MARKER = 'is append-only';

/**
 * True when `err` is SQLite refusing an UPDATE or DELETE through the
 * append-only triggers. Callers may map it to `AUDIT_APPEND_ONLY`.
 */
export function isAppendOnlyViolation(err: unknown): boolean {
  if (err instanceof AuditChainError) return err.code === 'AUDIT_APPEND_ONLY';
  return err instanceof Error && err.message.includes(APPEND_ONLY_MARKER);
}
