#!/usr/bin/env node
// The installed command. A committed launcher, so npm links it even before the first build;
// the compiled CLI comes from dist/ (built by `npm ci` through the root `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('closegate-agent: not built yet; run `npm run build` at the repository root\n');
  process.exit(1);
}
const { runAsCommand } = await import(entry.href);
runAsCommand();
