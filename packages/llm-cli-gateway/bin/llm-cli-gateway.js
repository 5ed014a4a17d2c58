#!/usr/bin/env node
// The installed command. A committed launcher, so npm links it even before the first build;
// the compiled CLI comes from dist/ (built by `npm ci` through the root `prepare` script) and
// runs when imported.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('llm-cli-gateway: not built yet; run `npm run build` at the repository root\n');
  process.exit(1);
}
await import(entry.href);
