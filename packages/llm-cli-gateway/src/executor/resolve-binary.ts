import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { GatewayError } from '../errors.js';

/**
 * Finds `name` on PATH and returns its absolute path. Only absolute PATH
 * entries count: an empty or relative entry would make the gateway's cwd part
 * of the search, so a file dropped there could be run.
 */
export function resolveBinary(name: string, pathVar: string | undefined = process.env.PATH): string {
  if (!/^[a-z][a-z0-9_-]*$/.test(name))
    throw new GatewayError('BINARY_NOT_FOUND', `invalid binary name ${name}`);
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  throw new GatewayError(
    'BINARY_NOT_FOUND',
    `${name} is not installed or not on PATH; install it, then retry`,
  );
}
