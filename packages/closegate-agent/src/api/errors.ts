import type { ApiErrorBody, ApiErrorCode, ClauseRef } from './contract.js';

const STATUS: Record<ApiErrorCode, number> = {
  UNAUTHENTICATED: 401,
  CSRF_REJECTED: 403,
  FORBIDDEN: 403,
  GATE_DENIED: 409,
  NOT_FOUND: 404,
  INVALID_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  CONFLICT: 409,
  ENGINE_UNSUPPORTED: 501,
  ENGINE_ERROR: 502,
  AGENT_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** A refusal with a stable code; the HTTP layer turns it into `{ error: { code, message } }`. */
export class ApiHttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: { clause?: ClauseRef; issues?: { path: string; message: string }[] } = {},
  ) {
    super(message);
    this.name = 'ApiHttpError';
    this.status = STATUS[code];
  }

  body(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}
