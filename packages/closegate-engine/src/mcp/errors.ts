import { EngineError } from '../errors.js';

/** A failure of the MCP surface itself (configuration, audit SQL, unknown tool ...). */
export class McpSurfaceError extends EngineError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'McpSurfaceError';
  }
}

/** Invalid server configuration (env, flags, tokens file). The message names the variable. */
export class McpConfigError extends McpSurfaceError {
  constructor(message: string) {
    super('MCP_CONFIG_INVALID', message);
    this.name = 'McpConfigError';
  }
}

/** A tool was registered wrongly (no tier, non-strict schema, duplicate name): a programming error. */
export class ToolRegistrationError extends McpSurfaceError {
  constructor(message: string) {
    super('TOOL_REGISTRATION_INVALID', message);
    this.name = 'ToolRegistrationError';
  }
}
