#!/usr/bin/env node
// npm run release:pack [-- DIR]: build, pack every release package into DIR (default release/),
// and write SHA256SUMS beside the tarballs (verify with `sha256sum -c SHA256SUMS`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packAll, ROOT, sha256File } from './packages.mjs';

const arg = process.argv[2];
if (arg === '--help' || arg === '-h') {
  console.log('usage: npm run release:pack [-- DIR]   (default DIR: release/)');
  process.exit(0);
}
const dir = path.resolve(ROOT, arg ?? 'release');
mkdirSync(dir, { recursive: true });
execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
const tarballs = packAll(dir);
const sums = tarballs.map((t) => `${sha256File(t)}  ${path.basename(t)}\n`).join('');
writeFileSync(path.join(dir, 'SHA256SUMS'), sums);
process.stdout.write(sums);
console.log(`${tarballs.length} tarballs and SHA256SUMS in ${dir}`);
