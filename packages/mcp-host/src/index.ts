// Public API of the mcp-host kernel package.
export { McpHostError, ExposureError, PrincipalMissingError, HostConfigError } from './errors.js';
export {
  principalFrom,
  makePrincipal,
  authInfoFor,
  type Principal,
  type ExtraWithAuth,
} from './principal.js';
export {
  createLogger,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogFields,
} from './logging/logger.js';
export { jsonToolResult, errorToolResult } from './results.js';
export { serveStdio, type StdioHost, type StdioOptions } from './stdio/serve-stdio.js';
export type { Authenticator, AuthResult, ResourceMetadataHint } from './auth/types.js';
export {
  jwtAuthenticator,
  ASYMMETRIC_ALGORITHMS,
  DEFAULT_ALGORITHMS,
  type JwtAuthenticator,
  type JwtAuthenticatorOptions,
} from './auth/jwt.js';
export { bearerTokenAuthenticator, type BearerEntry } from './auth/bearer.js';
export { headerTrustAuthenticator, type HeaderTrustOptions } from './auth/header-trust.js';
export { noAuthLoopback, isNoAuthAuthenticator } from './auth/no-auth-loopback.js';
export { sha256Hex } from './auth/digest.js';
export { isLoopbackHost, isLoopbackAddress } from './exposure/loopback.js';
export { assertSafeBind } from './exposure/assert-safe-bind.js';
export { serveHttp, type HttpHost } from './http/serve-http-lazy.js';
export { DEFAULT_AUTH_THROTTLE, type HttpHostOptions, type AuthThrottleOptions } from './http/options.js';
export { deriveAllowLists, type AllowLists } from './http/options.js';
export { singleHeader } from './auth/credentials.js';
export type { AuthFailureEvent } from './http/auth-failure.js';
export { PRM_PATH } from './http/protected-resource.js';
export type { ServerFactory } from './http/mcp-endpoint.js';
export {
  guardToolCalls,
  guardedArguments,
  type OnRefusedCall,
  type RefusedCall,
  type RefusalReason,
} from './tool-calls/guard.js';
// CLI conventions of the products' commands (docs/cli-conventions.md): every EXIT_* code,
export * from './cli/exit-codes.js';
// usage errors and their one-line hint, short parseArgs messages, and --version.
export {
  UsageError,
  argsErrorMessage,
  usageHint,
  usageErrorText,
  type UsageHintOptions,
} from './cli/usage.js';
export { packageVersion } from './cli/version.js';
