#!/usr/bin/env node
// `npm run bench [-- name ...]`: runs bench/<name>.bench.ts (all of them when no
// name is given) against the workspace sources. Each bench prints a summary and
// writes its figures to bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const args = process.argv.slice(2);

if (args.includes('--help') || args.includes('-h')) {
  console.log(`usage: npm run bench [-- <name> ...]\n\nbenchmarks: ${available.join(', ') || '(none)'}`);
  process.exit(0);
}
const wanted = args.length > 0 ? args : available;
const unknown = wanted.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (available: ${available.join(', ')})`);
  process.exit(1);
}
let failed = 0;
for (const name of wanted) {
  console.error(`== bench ${name}`);
  const r = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(here, `${name}.bench.ts`)],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
