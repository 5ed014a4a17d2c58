import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Default database path, relative to the current working directory. */
export const DEFAULT_DB_PATH = './.closegate/recon.db';

/** `--db` flag, else CLOSEGATE_DB, else ./.closegate/recon.db. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env.CLOSEGATE_DB && env.CLOSEGATE_DB !== '' ? env.CLOSEGATE_DB : DEFAULT_DB_PATH);
}

/**
 * The example policy shipped with closegate-policy. Found by walking up from
 * this file: a workspace sibling (packages/closegate-policy) or an installed
 * dependency (node_modules/closegate-policy). Works from src/ and dist/.
 */
export function defaultPolicyPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    for (const candidate of [
      path.join(dir, 'closegate-policy', 'examples', 'policy.yaml'),
      path.join(dir, 'node_modules', 'closegate-policy', 'examples', 'policy.yaml'),
    ]) {
      if (fs.existsSync(candidate)) return candidate;
    }
    dir = path.dirname(dir);
  }
  throw new Error(
    'cannot find closegate-policy/examples/policy.yaml; pass --policy FILE or set CLOSEGATE_POLICY',
  );
}

/** `--policy` flag, else CLOSEGATE_POLICY, else the example policy. */
export function resolvePolicyPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return (
    flag ?? (env.CLOSEGATE_POLICY && env.CLOSEGATE_POLICY !== '' ? env.CLOSEGATE_POLICY : defaultPolicyPath())
  );
}
