#!/usr/bin/env node
// The packed-consumer check: pack every release package, install the tarballs into an empty
// project outside the repository (runtime dependencies from the registry), and run each bin there.
// Fails (exit 1) when a package misses a file or a dependency it needs at run time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packAll } from './packages.mjs';

if (process.argv.includes('--help')) {
  console.log('usage: node tools/release/consumer-check.mjs [--keep]   (run `npm run build` first)');
  process.exit(0);
}
const work = mkdtempSync(path.join(os.tmpdir(), 'governed-mcp-consumer-'));
const run = (cmd, args, cwd = work) => {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
};
try {
  const tarballs = packAll(work);
  const app = path.join(work, 'app');
  run('mkdir', ['-p', app]);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', ...tarballs], app);
  const checks = [
    ['closegate-engine', ['--help'], /usage: closegate-engine/],
    ['closegate-engine', ['demo', '--db', path.join(app, 'recon.db')], /chain/i],
    ['llm-cli-gateway', ['--version'], /^llm-cli-gateway \d+\.\d+\.\d+/],
    ['closegate-agent', ['--help'], /closegate-agent/],
  ];
  for (const [bin, args, expect] of checks) {
    const out = run(path.join(app, 'node_modules', '.bin', bin), args, app);
    if (!expect.test(out)) throw new Error(`${bin} ${args.join(' ')}: unexpected output:\n${out}`);
    console.log(`ok: ${bin} ${args.join(' ')}`);
  }
  // llm-cli-gateway's optional native spawner, compiled by its install script: without it the
  // gateway falls back to node's spawn, which CI must not do silently.
  if (process.platform === 'linux') {
    const probe =
      "const m = await import('spawn-native'); const api = m.loadNativeSpawn(); " +
      "console.log(api ? 'loaded' : `not loaded: ${m.nativeSpawnUnavailableReason()}`);";
    const state = run(process.execPath, ['--input-type=module', '-e', probe], app).trim();
    console.log(`spawn-native: ${state}`);
    if (state !== 'loaded' && process.env.CI) throw new Error(`spawn-native did not build in CI: ${state}`);
  }
  console.log(`packed-consumer check: ${checks.length} commands ran from ${tarballs.length} tarballs`);
} finally {
  if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
}
