#!/usr/bin/env node
// Lockfile policy: every installed package comes from the npm registry with an integrity hash,
// or is one of this repository's workspaces. No git, file, tarball-URL or other-host sources.
// (With npm's `omit-lockfile-registry-resolved`, a registry entry has no `resolved` field at all.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './packages.mjs';

const REGISTRY = 'https://registry.npmjs.org/';
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
const problems = [];
let checked = 0;
for (const [where, entry] of Object.entries(lock.packages ?? {})) {
  if (where === '' || !where.includes('node_modules/')) continue; // the root and workspace folders
  if (entry.link) {
    if (!entry.resolved?.startsWith('packages/'))
      problems.push(`${where}: link outside the workspaces (${entry.resolved})`);
    continue;
  }
  checked++;
  if (entry.resolved !== undefined && !entry.resolved.startsWith(REGISTRY))
    problems.push(`${where}: resolved from ${entry.resolved}`);
  if (!/^\d+\.\d+\.\d+/.test(entry.version ?? ''))
    problems.push(`${where}: version ${entry.version} is not a registry version`);
  if (!/^sha(256|384|512)-/.test(entry.integrity ?? '')) problems.push(`${where}: no integrity hash`);
}
if (problems.length > 0) {
  console.error(`lockfile check: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`lockfile check: ${checked} packages from ${REGISTRY} with integrity hashes; workspaces linked`);
