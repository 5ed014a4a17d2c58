import type { Authenticator } from '../auth/types.js';
import { isNoAuthAuthenticator } from '../auth/no-auth-loopback.js';
import { ExposureError } from '../errors.js';
import { isLoopbackHost } from './loopback.js';

/**
 * Start-up check: a non-loopback bind needs a real authenticator. Products turn the
 * ExposureError into a non-zero exit with its message.
 */
export function assertSafeBind(config: { host: string; authenticator?: Authenticator | undefined }): void {
  if (isLoopbackHost(config.host)) return;
  if (config.authenticator === undefined || isNoAuthAuthenticator(config.authenticator)) {
    throw new ExposureError(
      `refusing to listen on non-loopback address "${config.host}" without authentication: ` +
        'configure a bearer token (or another authenticator), or bind 127.0.0.1',
    );
  }
}
