#!/usr/bin/env node
// npm run sbom [-- FILE]: a CycloneDX SBOM of the shipped packages and their runtime dependencies
// (npm's own `npm sbom`, dev dependencies omitted), written to FILE (default release/sbom.cdx.json).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RELEASE_PACKAGES, ROOT } from './packages.mjs';

const arg = process.argv[2];
if (arg === '--help' || arg === '-h') {
  console.log('usage: npm run sbom [-- FILE]   (default FILE: release/sbom.cdx.json)');
  process.exit(0);
}
const file = path.resolve(ROOT, arg ?? 'release/sbom.cdx.json');
const sbom = execFileSync(
  'npm',
  ['sbom', '--sbom-format=cyclonedx', '--omit=dev', ...RELEASE_PACKAGES.map((p) => `--workspace=${p}`)],
  { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] },
);
const components = JSON.parse(sbom).components?.length ?? 0;
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, sbom);
console.log(`CycloneDX SBOM: ${components} components -> ${path.relative(ROOT, file)}`);
