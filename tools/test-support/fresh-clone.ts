import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A fresh clone of the repository's committed state in `dir`, ready to run commands as a
 * user would after `npm ci`: the checkout's installed dependencies are linked in (a real
 * `npm ci` would take minutes and need the registry), the workspace links and `.bin`
 * entries are copied as the relative links they are (so `npx closegate-engine` runs the
 * clone's own package), and the built `dist/` folders are copied so the clone's
 * `npm run build` has nothing to redo.
 */
export function freshClone(root: string, dir: string): string {
  const repo = path.join(dir, 'repo');
  execFileSync('git', ['clone', '--quiet', '--local', '--no-checkout', root, repo]);
  // The commit under test: HEAD of the checkout (its uncommitted edits are not part of a clone).
  const head = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  execFileSync('git', ['-C', repo, 'checkout', '--quiet', head]);
  const from = path.join(root, 'node_modules');
  const to = path.join(repo, 'node_modules');
  fs.mkdirSync(to);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isSymbolicLink())
      fs.symlinkSync(fs.readlinkSync(src), dst); // workspace packages: ../packages/X
    else if (entry.name === '.bin') fs.cpSync(src, dst, { recursive: true, verbatimSymlinks: true });
    else fs.symlinkSync(src, dst);
  }
  for (const pkg of fs.readdirSync(path.join(root, 'packages'))) {
    for (const built of ['dist', 'tsconfig.tsbuildinfo']) {
      const src = path.join(root, 'packages', pkg, built);
      if (fs.existsSync(src) && fs.existsSync(path.join(repo, 'packages', pkg)))
        fs.cpSync(src, path.join(repo, 'packages', pkg, built), { recursive: true });
    }
  }
  return repo;
}
