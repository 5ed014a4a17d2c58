import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { loadNativeSpawn, nativeSpawnUnavailableReason } from 'spawn-native';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess, type RunOptions, type RunResult } from '../src/executor/run.js';
import { chooseSpawner } from '../src/executor/spawn-backend.js';
import { spawnChild } from '../src/executor/spawn-child.js';
import { pidAlive, REPO_ROOT, tempDir, waitFor } from './helpers/env.js';
import { SPAWNERS, useSpawner } from './helpers/spawners.js';

const tmp = tempDir('gw-spawn-');
afterAll(() => tmp.cleanup());

const ADDON = join(REPO_ROOT, 'packages/spawn-native/build/Release/spawn_native.node');
const ENV = { PATH: '/usr/bin:/bin', SPAWN_TEST: 'only-this' };

function run(binaryPath: string, args: string[], over: Partial<RunOptions> = {}): Promise<RunResult> {
  return runProcess({
    binaryPath,
    args,
    stdin: '',
    cwd: tmp.dir,
    env: ENV,
    totalTimeoutMs: 15_000,
    idleTimeoutMs: 10_000,
    outputCapBytes: 4 * 1024 * 1024,
    killGraceMs: 300,
    ...over,
  });
}

const sh = (script: string, over: Partial<RunOptions> = {}) => run('/bin/sh', ['-c', script], over);

/** pgrp and session of a live process, from /proc/<pid>/stat (fields after the command name). */
function groupAndSession(stat: string): { pgrp: number; session: number } {
  const [, , pgrp, session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pgrp: Number(pgrp), session: Number(session) };
}

/** Zombies whose parent is this process: children nobody reaped. */
function ownZombies(): number[] {
  const zombies: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' && Number(ppid) === process.pid) zombies.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return zombies;
}

describe('spawner choice', () => {
  it('has the native spawner in CI (built by npm ci), never a silent fallback there', () => {
    if (process.env.CI) expect(nativeSpawnUnavailableReason()).toBeUndefined();
    expect(SPAWNERS).toContain('node');
  });
});

describe.each(SPAWNERS)('spawnChild and runProcess (%s spawner)', (spawner) => {
  useSpawner(spawner);

  it('uses the spawner asked for', () => {
    expect(chooseSpawner().spawner.kind).toBe(spawner);
  });

  it('starts the child in its own session and process group (pgid == sid == pid)', async () => {
    const result = await sh('cat /proc/$$/stat');
    expect(result.exitCode).toBe(0);
    expect(groupAndSession(result.stdout)).toEqual({ pgrp: result.pid, session: result.pid });
  });

  it('resets signal dispositions and the mask (the gateway ignores SIGPIPE; the child must not)', async () => {
    const result = await sh('exec grep -E "^Sig(Ign|Blk):" /proc/self/status');
    expect(result.stdout).toBe('SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n');
  });

  it('passes the child its stdio: 0, 1 and 2 (and with posix_spawn nothing else)', async () => {
    // ls opens /proc/self/fd itself as 3. node's fork passes on whatever the gateway inherited
    // without O_CLOEXEC (see the native-only test below); the native spawner closes it all.
    const result = await sh('exec ls /proc/self/fd');
    const fds = result.stdout.trim().split('\n');
    if (spawner === 'native') expect(fds).toEqual(['0', '1', '2', '3']);
    else expect(fds).toEqual(expect.arrayContaining(['0', '1', '2', '3']));
  });

  it('gives exactly the environment it was handed, nothing inherited', async () => {
    process.env.SPAWN_TEST_PARENT_ONLY = 'leak';
    try {
      const result = await run('/usr/bin/env', []);
      expect(result.stdout).toBe('PATH=/usr/bin:/bin\nSPAWN_TEST=only-this\n');
    } finally {
      delete process.env.SPAWN_TEST_PARENT_ONLY;
    }
  });

  it('runs in the cwd it was given', async () => {
    const dir = join(tmp.dir, `cwd-${spawner}`);
    mkdirSync(dir);
    const result = await run('/bin/pwd', [], { cwd: dir });
    expect(result.stdout.trim()).toBe(realpathSync(dir));
  });

  it('passes argv elements verbatim: leading dashes, spaces, empty, shell metacharacters', async () => {
    const args = ['-x', '--help', '', 'a b', '$HOME', '*', ';rm -rf /', "'q'"];
    const result = await run('/bin/sh', [
      '-c',
      'for a in "$@"; do printf "[%s]\\n" "$a"; done',
      'sh',
      ...args,
    ]);
    expect(result.stdout).toBe(args.map((a) => `[${a}]\n`).join(''));
  });

  it('writes stdin then closes it, or gives /dev/null when there is nothing to write', async () => {
    expect((await run('/bin/cat', [], { stdin: 'hello\nworld' })).stdout).toBe('hello\nworld');
    expect((await sh('readlink /proc/self/fd/0')).stdout).toBe('/dev/null\n');
  });

  it('reports the exit code, and the signal of a killed child', async () => {
    expect((await sh('exit 7')).exitCode).toBe(7);
    const killed = await sh('kill -TERM $$');
    expect(killed).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
  });

  it('sets spawnError as node does for a missing binary (ENOENT) and a non-executable one (EACCES)', async () => {
    const missing = await run(join(tmp.dir, 'no-such-cli'), []);
    expect(missing.spawnError).toBe(`spawn ${join(tmp.dir, 'no-such-cli')} ENOENT`);
    expect(missing.pid).toBeUndefined();
    const plain = join(tmp.dir, `not-executable-${spawner}`);
    writeFileSync(plain, '#!/bin/sh\necho ran\n', { mode: 0o644 });
    const denied = await run(plain, []);
    expect(denied.spawnError).toBe(`spawn ${plain} EACCES`);
    expect(denied.stdout).toBe('');
  });

  it('refuses a NUL byte in an argument before starting anything', () => {
    expect(() =>
      spawnChild({ file: '/bin/echo', args: ['a\0b'], env: ENV, cwd: tmp.dir, stdin: 'null' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('kills a grandchild that keeps stdout open after the CLI exits', async () => {
    const pidfile = join(tmp.dir, `grandchild-${spawner}`);
    const result = await sh(`sleep 30 & echo $! > ${pidfile}; echo started`);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('started\n');
    const grandchild = Number(readFileSync(pidfile, 'utf8'));
    expect(await waitFor(() => !pidAlive(grandchild), 3000)).toBe(true);
  });

  it('kills the whole group on the total timeout', async () => {
    const pidfile = join(tmp.dir, `timeout-${spawner}`);
    const result = await sh(`sleep 30 & echo $! > ${pidfile}; wait`, { totalTimeoutMs: 300 });
    expect(result.stopped).toBe('total-timeout');
    const grandchild = Number(readFileSync(pidfile, 'utf8'));
    expect(await waitFor(() => !pidAlive(result.pid!) && !pidAlive(grandchild), 3000)).toBe(true);
  });

  it('returns 1 MB of output intact', async () => {
    const result = await sh('yes abcdefghi | head -c 1048576');
    expect(result.stdout.length).toBe(1048576);
    expect(result.stdout).toBe('abcdefghi\n'.repeat(104857) + 'abcdef');
    expect(result.truncated).toBe(false);
  });

  it('leaves no zombie behind after 200 sequential spawns', async () => {
    for (let i = 0; i < 200; i++) expect((await run('/bin/true', [])).exitCode).toBe(0);
    expect(ownZombies()).toEqual([]);
  });
});

describe.runIf(loadNativeSpawn() !== undefined)('native spawner only', () => {
  useSpawner('native');

  it('never runs a bare name from the cwd when PATH has no absolute entry for it', async () => {
    const dir = join(tmp.dir, 'bare');
    mkdirSync(dir);
    writeFileSync(join(dir, 'claude'), '#!/bin/sh\necho pwned\n');
    chmodSync(join(dir, 'claude'), 0o755);
    const result = await run('claude', [], { cwd: dir, env: { PATH: '.:bin' } });
    expect(result.spawnError).toBe('spawn claude ENOENT');
    expect(result.stdout).toBe('');
  });

  it("never passes on a descriptor the gateway inherited without O_CLOEXEC (node's spawn does)", () => {
    // A node process that inherited fd 100 (bash: dash redirects one-digit fds only) without
    // O_CLOEXEC (node marks only low inherited
    // fds close-on-exec at start-up) spawns `ls /proc/self/fd` both ways.
    const script = `
      const { spawnSync } = require('node:child_process');
      const { Socket } = require('node:net');
      const viaNode = spawnSync('/bin/ls', ['/proc/self/fd']).stdout.toString().trim().split('\\n');
      const c = require(${JSON.stringify(ADDON)}).spawn('/bin/ls', ['ls', '/proc/self/fd'], [], '/', 'null', () => {});
      let out = '';
      new Socket({ fd: c.stdout, readable: true, writable: false })
        .on('data', (d) => (out += d))
        .on('end', () => console.log(JSON.stringify({ viaNode, native: out.trim().split('\\n') })));
    `;
    const probe = spawnSync(
      '/bin/bash',
      ['-c', 'exec "$0" -e "$1" 100</dev/null', process.execPath, script],
      {
        encoding: 'utf8',
      },
    );
    const { viaNode, native } = JSON.parse(probe.stdout) as { viaNode: string[]; native: string[] };
    expect(viaNode).toContain('100');
    expect(native).toEqual(['0', '1', '2', '3']);
  });

  it('looks a bare name up on the child env PATH, as node does', async () => {
    const result = await run('echo', ['found']);
    expect(result.stdout).toBe('found\n');
  });

  it('signalGroup returns errnos instead of throwing, and refuses pgid <= 0 (own group, everyone)', async () => {
    const native = loadNativeSpawn()!;
    const result = await run('/bin/true', []);
    expect(native.signalGroup(result.pid!, 0)).toBe(constants.errno.ESRCH);
    expect(native.signalGroup(0, 0)).toBe(constants.errno.EINVAL);
    expect(native.signalGroup(-1, 0)).toBe(constants.errno.EINVAL);
  });
});
