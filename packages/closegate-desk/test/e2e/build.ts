/** Builds the desk once per test process into a temp dir (the real assets the service serves). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let built: Promise<string> | null = null;

/** Deletes the temp build (after the suite). */
export async function removeDeskBuild(): Promise<void> {
  if (built === null) return;
  const dir = await built.catch(() => null);
  built = null;
  if (dir !== null) fs.rmSync(dir, { recursive: true, force: true });
}

export function buildDesk(): Promise<string> {
  built ??= (async () => {
    const { build } = await import('vite');
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-dist-'));
    await build({
      configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    return outDir;
  })();
  return built;
}
