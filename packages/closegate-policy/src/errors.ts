/**
 * Typed errors. Every error carries a stable `code` that callers can switch on
 * and a message a person can act on. Callers should branch on `code`, never on
 * the message text.
 */
export class ClosegateError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Malformed amount or rate, unknown currency, currency mismatch. */
export class MoneyError extends ClosegateError {}

/** FX rate unavailable or invalid, fixed-rate adapter used in prod. */
export class FxError extends ClosegateError {}

/** Invalid close calendar, time zone or local date-time. */
export class CalendarError extends ClosegateError {}

/** A state change that the transition table does not allow. */
export class IllegalTransitionError extends ClosegateError {
  readonly machine: string;
  readonly from: string;
  readonly to: string;

  constructor(machine: string, from: string, to: string, message?: string) {
    super(
      'STATE_ILLEGAL_TRANSITION',
      message ?? `illegal ${machine} transition ${JSON.stringify(from)} -> ${JSON.stringify(to)}`,
    );
    this.machine = machine;
    this.from = from;
    this.to = to;
  }
}

/** policy.yaml that does not parse or does not match the schema. */
export class PolicyError extends ClosegateError {
  /** Dotted key path of the first offending key, '' for whole-document errors. */
  readonly path: string;

  constructor(path: string, message: string) {
    super('POLICY_INVALID', message);
    this.path = path;
  }
}

/** Actor string that is not `human:<id>`, `llm:<id>` or `engine:<id>`. */
export class ActorError extends ClosegateError {}

/** Gate called with an unknown action or a subject that does not validate. */
export class GateInputError extends ClosegateError {}
