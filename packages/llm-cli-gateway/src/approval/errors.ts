export type ApprovalErrorCode =
  'APPROVAL_DENIED' | 'APPROVAL_UNSUPPORTED_PROVIDER' | 'APPROVAL_UNAVAILABLE' | 'APPROVAL_STRATEGY_LOCKED';

/** A managed request that may not launch. Thrown before any process is spawned. */
export class ApprovalError extends Error {
  constructor(
    readonly code: ApprovalErrorCode,
    message: string,
    /** The recorded decision's id, when one was recorded. */
    readonly decisionId?: string,
  ) {
    super(message);
    this.name = 'ApprovalError';
  }
}
