import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of an installed package, found the way Node finds it
 * (node_modules of this file's ancestors). Neither the engine nor the gateway
 * exports its package.json, so require.resolve cannot be used for this.
 */
export function findPackageDir(
  name: string,
  from = path.dirname(fileURLToPath(import.meta.url)),
): string | null {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name, 'package.json');
    if (fs.existsSync(candidate)) return path.dirname(fs.realpathSync(candidate));
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
