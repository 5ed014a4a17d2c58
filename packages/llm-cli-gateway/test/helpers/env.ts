import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FAKE_CLI_DIR = resolve(fileURLToPath(new URL('../fake-clis', import.meta.url)));
export const PACKAGE_DIR = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const REPO_ROOT = resolve(PACKAGE_DIR, '../..');

/** A temp dir removed by the returned cleanup. */
export function tempDir(prefix = 'gw-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * An environment for the gateway with the fake CLIs first on PATH. FAKE_CLI_*
 * reach the fakes only because they are declared in LLM_GATEWAY_ENV_ALLOW.
 */
export function fakeEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${FAKE_CLI_DIR}${delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    LLM_GATEWAY_HOME: join(home, 'gw'),
    LLM_GATEWAY_ENV_ALLOW:
      'FAKE_CLI_MODE,FAKE_CLI_MARKER,FAKE_CLI_PIDFILE,FAKE_CLI_DELAY_MS,FAKE_CLI_MCP_CAPTURE',
    MCP_LOG_LEVEL: 'silent',
    ...extra,
  };
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}
