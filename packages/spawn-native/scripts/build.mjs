#!/usr/bin/env node
// Install step: compiles the addon with node-gyp. A failure (no compiler, no headers, not Linux)
// prints one warning and exits 0: the package stays installable and its users fall back to
// node's own spawn.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const warn = (why) => {
  console.warn(`spawn-native: not built (${why}); callers fall back to node's child_process.spawn`);
  process.exit(0);
};

if (process.platform !== 'linux') warn(`${process.platform} is not Linux`);

// npm exports its bundled node-gyp to lifecycle scripts; outside npm, find the copy npm ships.
const bundled = path.join(
  path.dirname(process.execPath),
  '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
);
const nodeGyp = process.env.npm_config_node_gyp || bundled;
if (!existsSync(nodeGyp)) warn(`node-gyp not found at ${nodeGyp}`);

// The running node's own headers (<prefix>/include/node) when no nodedir is configured: no download.
const args = [nodeGyp, 'rebuild'];
const ownHeaders = path.join(path.dirname(process.execPath), '../include/node');
if (!process.env.npm_config_nodedir && existsSync(path.join(ownHeaders, 'node_api.h')))
  args.push(`--nodedir=${path.dirname(path.dirname(ownHeaders))}`);

const run = spawnSync(process.execPath, args, {
  cwd: packageDir,
  stdio: ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
});
if (run.error) warn(`node-gyp could not run: ${run.error.message}`);
if (run.status !== 0) {
  const lastError = `${run.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /\berror\b/i.test(l) && !l.startsWith('gyp ERR! stack'));
  warn(
    `node-gyp rebuild exited ${run.status}${lastError ? `: ${lastError}` : ''}; details: node-gyp rebuild in ${packageDir}`,
  );
}
