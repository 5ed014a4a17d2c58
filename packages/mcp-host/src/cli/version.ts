import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * For `--version`: the version in the package.json named `packageName`, looked for upwards
 * from the calling module (`import.meta.url`), so it is found from src/ and dist/ alike.
 * Undefined when there is none within four levels; a missing or unreadable package.json is skipped.
 */
export function packageVersion(moduleUrl: string, packageName: string): string | undefined {
  let dir = path.dirname(fileURLToPath(moduleUrl));
  for (let i = 0; i < 4; i++) {
    const pkg = readJson(path.join(dir, 'package.json'));
    if (pkg?.name === packageName && typeof pkg.version === 'string') return pkg.version;
    dir = path.dirname(dir);
  }
  return undefined;
}

function readJson(file: string): { name?: unknown; version?: unknown } | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}
