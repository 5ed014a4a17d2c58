// The packages a release ships, in dependency order (kernel first), and how to pack them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Kernel and product packages; the desk's built assets ship inside closegate-agent's service. */
export const RELEASE_PACKAGES = [
  'audit-chain',
  'mcp-host',
  'query-sandbox',
  'closegate-policy',
  'closegate-engine',
  'closegate-agent',
  'spawn-native',
  'llm-cli-gateway',
];

/** `npm pack` every release package into `dir`; returns the tarball paths in RELEASE_PACKAGES order. */
export function packAll(dir) {
  const out = execFileSync(
    'npm',
    ['pack', '--json', '--pack-destination', dir, ...RELEASE_PACKAGES.map((p) => `--workspace=${p}`)],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out).map((entry) => path.join(dir, entry.filename));
}

export function sha256File(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
