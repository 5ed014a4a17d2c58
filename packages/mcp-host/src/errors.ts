/**
 * Typed errors of the host. Each carries a stable `code` that callers can branch on
 * and a message a person can act on.
 */
export class McpHostError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Refusal to expose the server in an unsafe way (e.g. a public bind without authentication). */
export class ExposureError extends McpHostError {
  constructor(message: string) {
    super('EXPOSURE_UNSAFE_BIND', message);
  }
}

/** A tool handler asked for the caller's identity, but the transport did not bind one. */
export class PrincipalMissingError extends McpHostError {
  constructor(message = 'No principal is bound to this request; the transport must attach one') {
    super('PRINCIPAL_MISSING', message);
  }
}

/** Options or authenticator entries failed validation. */
export class HostConfigError extends McpHostError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MCP_HOST_CONFIG_INVALID', message, options);
  }
}
