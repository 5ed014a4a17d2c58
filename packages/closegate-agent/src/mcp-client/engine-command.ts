import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findPackageDir } from './package-dir.js';

export interface ChildCommand {
  command: string;
  args: string[];
}

/** Running from src/ (tsx, tests) rather than from the built dist/. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * How to run a workspace package's CLI: from its sources through tsx when this
 * package runs from sources (a checkout, the tests), else its built
 * dist/cli/main.js (after `npm run build`, or an install). tsx is loaded by
 * absolute URL so the child works from any working directory.
 */
export function packageCli(name: string, errorCode: string): ChildCommand {
  const dir = findPackageDir(name);
  if (dir === null)
    throw Object.assign(new Error(`${name} is not installed next to closegate-agent`), { code: errorCode });
  const dist = path.join(dir, 'dist/cli/main.js');
  const src = path.join(dir, 'src/cli/main.ts');
  const tsx = findPackageDir('tsx');
  if ((FROM_SOURCE || !fs.existsSync(dist)) && fs.existsSync(src) && tsx !== null) {
    const loader = pathToFileURL(path.join(tsx, 'dist/loader.mjs')).href;
    return { command: process.execPath, args: ['--conditions=source', '--import', loader, src] };
  }
  if (!fs.existsSync(dist))
    throw Object.assign(new Error(`${name} is not built (no ${dist}); run npm run build`), {
      code: errorCode,
    });
  return { command: process.execPath, args: [dist] };
}

/** `closegate-engine mcp serve --db PATH [--policy FILE]` as a child command. */
export function engineCommand(opts: { db: string; policy?: string | undefined }): ChildCommand {
  const cli = packageCli('closegate-engine', 'ENGINE_NOT_FOUND');
  const args = [...cli.args, 'mcp', 'serve', '--db', path.resolve(opts.db)];
  if (opts.policy !== undefined) args.push('--policy', path.resolve(opts.policy));
  return { command: cli.command, args };
}
