// Vitest setup file: every temporary directory a test file creates with mkdtemp (directly or
// through a helper) is removed when that file's tests are done. Tests keep creating their SQLite
// files, sockets and homes in real temp dirs; they no longer leave hundreds behind per run.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { afterAll } from 'vitest';

const created: string[] = [];
const { mkdtempSync } = fs;
const { mkdtemp } = fs.promises;

fs.mkdtempSync = ((prefix: string, options?: unknown) => {
  const dir = mkdtempSync(prefix, options as BufferEncoding);
  created.push(String(dir));
  return dir;
}) as typeof fs.mkdtempSync;
fs.promises.mkdtemp = (async (prefix: string, options?: unknown) => {
  const dir = await mkdtemp(prefix, options as BufferEncoding);
  created.push(String(dir));
  return dir;
}) as typeof fs.promises.mkdtemp;
syncBuiltinESMExports();

// Registered first, so it runs after the file's own afterAll hooks (vitest runs them as a stack).
afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
