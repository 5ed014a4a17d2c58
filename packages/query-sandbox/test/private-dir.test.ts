import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPrivateDir, PID_FILE, removeStaleDirs } from '../src/index.js';

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'qs-base-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** A child process that opens a private dir under `base`, prints its path, then waits (or exits). */
function childScript(then: 'wait' | 'exit'): string {
  return [
    `import { openPrivateDir } from './packages/query-sandbox/src/index.ts';`,
    `const d = openPrivateDir('qs-child', ${JSON.stringify(base)});`,
    `console.log(d.path);`,
    then === 'wait' ? 'setInterval(() => {}, 1000);' : 'process.exit(0);',
  ].join('\n');
}

function startChild(then: 'wait' | 'exit') {
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', childScript(then)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function firstLine(child: ReturnType<typeof startChild>): Promise<string> {
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  return out.trim();
}

const exited = (child: ReturnType<typeof startChild>) =>
  new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));

describe('private temp dirs', () => {
  it('are 0700 with a 0600 pid file, and removed by remove()', () => {
    const d = openPrivateDir('qs-own', base);
    expect((statSync(d.path).mode & 0o777).toString(8)).toBe('700');
    expect((statSync(join(d.path, PID_FILE)).mode & 0o777).toString(8)).toBe('600');
    d.remove();
    expect(existsSync(d.path)).toBe(false);
  });

  it('are removed when their process exits normally', async () => {
    const child = startChild('exit');
    const path = await firstLine(child);
    await exited(child);
    expect(path.startsWith(base)).toBe(true);
    expect(existsSync(path)).toBe(false);
  }, 30_000);

  it('are removed when their process is terminated by SIGTERM', async () => {
    const child = startChild('wait');
    const path = await firstLine(child);
    expect(existsSync(path)).toBe(true);
    child.kill('SIGTERM');
    await exited(child);
    expect(child.signalCode).toBe('SIGTERM');
    expect(existsSync(path)).toBe(false);
  }, 30_000);

  it('left behind by a SIGKILLed process are removed by the next start, a live process keeps its own', async () => {
    const killed = startChild('wait');
    const stale = await firstLine(killed);
    const alive = startChild('wait');
    const live = await firstLine(alive);
    try {
      killed.kill('SIGKILL');
      await exited(killed);
      expect(existsSync(stale)).toBe(true); // nothing could run on SIGKILL
      const next = openPrivateDir('qs-child', base);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      next.remove();
    } finally {
      alive.kill('SIGKILL');
      await exited(alive);
    }
  }, 30_000);

  it('never removes what it cannot prove stale: symlinks, foreign names, a recycled pid', () => {
    const victim = join(base, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 'keep'), 'x');
    // A symlink named like a stale dir, pointing at data that must survive.
    symlinkSync(victim, join(base, 'qs-x-999999-abcdef'));
    // A dir of another prefix.
    mkdirSync(join(base, 'other-999999-abcdef'));
    // A dir whose pid is alive (this process) but whose pid file names another start time: recycled pid.
    const recycled = join(base, `qs-x-${process.pid}-ghijkl`);
    mkdirSync(recycled);
    writeFileSync(join(recycled, PID_FILE), JSON.stringify({ pid: process.pid, start: '1' }));
    const dead = join(base, 'qs-x-999999-mnopqr');
    mkdirSync(dead);
    const removed = removeStaleDirs('qs-x', base);
    expect(removed.sort()).toEqual([dead, recycled].sort());
    expect(existsSync(join(victim, 'keep'))).toBe(true);
    expect(readdirSync(base).sort()).toEqual(['other-999999-abcdef', 'qs-x-999999-abcdef', 'victim']);
  });

  it('the kernel has no dependency on the products', () => {
    const r = spawnSync(
      'grep',
      ['-rE', "from '(llm-cli-gateway|closegate-[a-z]+)", join(REPO, 'packages/query-sandbox/src')],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stdout).toBe('');
  });
});
