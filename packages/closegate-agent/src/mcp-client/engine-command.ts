import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * How to start `closegate-engine mcp serve` from this workspace or an install:
 * the built CLI (dist/cli/main.js) when it exists, else its source through tsx
 * (a checkout without a build). Resolved from the engine package, never from PATH.
 */
export function engineCommand(opts: { db: string; policy?: string | undefined }): {
  command: string;
  args: string[];
} {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve('closegate-engine/package.json'));
  } catch {
    throw Object.assign(
      new Error('closegate-engine is not installed next to closegate-agent; pass --engine-url'),
      {
        code: 'ENGINE_NOT_FOUND',
      },
    );
  }
  const serve = ['mcp', 'serve', '--db', path.resolve(opts.db)];
  if (opts.policy !== undefined) serve.push('--policy', path.resolve(opts.policy));
  const dist = path.join(pkgDir, 'dist/cli/main.js');
  if (fs.existsSync(dist)) return { command: process.execPath, args: [dist, ...serve] };
  const src = path.join(pkgDir, 'src/cli/main.ts');
  return { command: process.execPath, args: ['--conditions=source', '--import', 'tsx', src, ...serve] };
}
