/**
 * Typed errors. Each carries a stable `code` (for clients and tests) and a
 * message a person can act on.
 */
export type GatewayErrorCode =
  | 'ADMISSION_REFUSED'
  | 'BINARY_NOT_FOUND'
  | 'BAD_WORKING_DIR'
  | 'INVALID_INPUT'
  | 'SESSION_NOT_FOUND'
  | 'SESSION_STORE_CORRUPT'
  | 'NOT_FOUND'
  | 'QUERY_REFUSED'
  | 'QUERY_TIMEOUT'
  | 'QUERY_SATURATED'
  | 'RECORDER_DISABLED'
  | 'RECORDER_FAILED'
  | 'SPAWN_FAILED'
  | 'WORKSPACE_REQUIRED'
  | 'WORKSPACE_UNKNOWN'
  | 'WORKSPACE_UNAVAILABLE'
  | 'WORKSPACE_ESCAPE'
  | 'WORKSPACE_MISMATCH'
  | 'PROVIDER_NOT_ALLOWED'
  | 'PERMISSION_CEILING'
  | 'LIMIT_EXCEEDED'
  | 'SESSION_NOT_OWNED';

export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** Raised before any process is spawned when argv, env or cwd fail admission. */
export class AdmissionError extends GatewayError {
  constructor(message: string) {
    super('ADMISSION_REFUSED', message);
    this.name = 'AdmissionError';
  }
}

export class QueryRefusedError extends GatewayError {
  constructor(message: string) {
    super('QUERY_REFUSED', message);
    this.name = 'QueryRefusedError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
