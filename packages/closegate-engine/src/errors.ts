/**
 * Typed errors of the engine. Every error carries a stable `code` that callers
 * (CLI, MCP tools) can branch on, and a message a person can act on.
 */
export class EngineError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.details = details;
  }
}

/** An input failed validation at a boundary (zod or a hand check). */
export class InvalidInputError extends EngineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_INPUT', message, details);
    this.name = 'InvalidInputError';
  }
}

/** A referenced row (match, entry, escalation, run ...) does not exist. */
export class NotFoundError extends EngineError {
  constructor(kind: string, id: string | number) {
    super('NOT_FOUND', `${kind} ${String(id)} does not exist`, { kind, id });
    this.name = 'NotFoundError';
  }
}

/** The same idempotency key was used again with different arguments. */
export class IdempotencyConflictError extends EngineError {
  constructor(key: string, operation: string) {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      `idempotency key "${key}" was already used for a different ${operation} call; use a fresh key for new arguments`,
      { key, operation },
    );
    this.name = 'IdempotencyConflictError';
  }
}

/** The action is not possible in the subject's current state (outside the gate's STATE_INVALID). */
export class StateConflictError extends EngineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('STATE_CONFLICT', message, details);
    this.name = 'StateConflictError';
  }
}

/** A CSV import was rejected as a whole. */
export class CsvImportError extends EngineError {
  readonly rowErrors: readonly { row: number; reason: string }[];
  constructor(rowErrors: readonly { row: number; reason: string }[]) {
    const shown = rowErrors
      .slice(0, 20)
      .map((e) => `  row ${e.row}: ${e.reason}`)
      .join('\n');
    const more = rowErrors.length > 20 ? `\n  ... and ${rowErrors.length - 20} more` : '';
    super(
      'CSV_REJECTED',
      `CSV rejected, nothing imported (${rowErrors.length} problem(s)):\n${shown}${more}`,
      { rowErrors },
    );
    this.name = 'CsvImportError';
    this.rowErrors = rowErrors;
  }
}

/** Thrown by a fault injector in tests; never by production code. */
export class InjectedFaultError extends EngineError {
  constructor(where: string) {
    super('INJECTED_FAULT', `fault injected at ${where}`);
    this.name = 'InjectedFaultError';
  }
}
