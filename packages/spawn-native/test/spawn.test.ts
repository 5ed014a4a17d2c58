import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadNativeSpawn, nativeSpawnUnavailableReason, type NativeSpawn } from '../src/index.js';

const native = loadNativeSpawn();

/** Runs `argv` to its exit; resolves with its stdout and how it ended. */
function runToExit(api: NativeSpawn, argv: string[], envp: string[] = []) {
  return new Promise<{ out: string; code: number | null; signal: string | null }>((resolve) => {
    let out = '';
    let ended: { code: number | null; signal: string | null } | undefined;
    let eof = false;
    const done = () => ended && eof && resolve({ out, ...ended });
    const child = api.spawn(argv[0]!, argv, envp, '/', 'null', (code, signal) => {
      ended = { code, signal };
      done();
    });
    new Socket({ fd: child.stderr, readable: true, writable: false }).resume();
    new Socket({ fd: child.stdout, readable: true, writable: false })
      .on('data', (d: Buffer) => (out += d.toString()))
      .on('end', () => {
        eof = true;
        done();
      });
  });
}

describe.runIf(process.platform === 'linux')('spawn-native', () => {
  it('loads on Linux (CI builds it at npm ci)', () => {
    if (process.env.CI) expect(nativeSpawnUnavailableReason()).toBeUndefined();
    if (native === undefined) console.warn(`spawn-native not built: ${nativeSpawnUnavailableReason()}`);
  });

  describe.runIf(native !== undefined)('the addon', () => {
    const api = native!;

    it('runs argv with exactly envp and reports the exit code', async () => {
      expect(await runToExit(api, ['/usr/bin/env'], ['ONLY=this'])).toEqual({
        out: 'ONLY=this\n',
        code: 0,
        signal: null,
      });
      expect((await runToExit(api, ['/bin/sh', '-c', 'exit 9'])).code).toBe(9);
    });

    it('reports a signal by name', async () => {
      expect(await runToExit(api, ['/bin/sh', '-c', 'kill -KILL $$'])).toMatchObject({
        code: null,
        signal: 'SIGKILL',
      });
    });

    it('throws node-shaped errors: message, code, errno, syscall, path', () => {
      const attempt = (file: string) => () => api.spawn(file, [file], [], '/', 'null', () => undefined);
      expect(attempt('/no/such/file')).toThrow(
        expect.objectContaining({
          message: 'spawn /no/such/file ENOENT',
          code: 'ENOENT',
          errno: -2,
          syscall: 'spawn /no/such/file',
          path: '/no/such/file',
        }),
      );
      const dir = mkdtempSync(join(tmpdir(), 'spawn-native-'));
      try {
        writeFileSync(join(dir, 'plain'), 'echo ran\n', { mode: 0o644 });
        expect(attempt(join(dir, 'plain'))).toThrow(expect.objectContaining({ code: 'EACCES' }));
        // Executable without a #! line: no implicit /bin/sh (execvp's fallback), ENOEXEC.
        writeFileSync(join(dir, 'no-shebang'), 'echo ran\n', { mode: 0o755 });
        expect(attempt(join(dir, 'no-shebang'))).toThrow(expect.objectContaining({ code: 'ENOEXEC' }));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect(() => api.spawn('/bin/true', ['x'], [], '/no/such/dir', 'null', () => undefined)).toThrow(
        expect.objectContaining({ code: 'ENOENT' }),
      );
    });

    it('refuses NUL bytes and an unknown stdin mode without starting anything', () => {
      const noop = () => undefined;
      expect(() => api.spawn('/bin/true', ['a\0b'], [], '/', 'null', noop)).toThrow(/NUL/);
      expect(() => api.spawn('/bin/true', ['x'], ['A=1\0B=2'], '/', 'null', noop)).toThrow(/NUL/);
      expect(() => api.spawn('/bin/true\0x', ['x'], [], '/', 'null', noop)).toThrow(/NUL/);
      expect(() => api.spawn('/bin/true', ['x'], [], '/', 'tty' as 'null', noop)).toThrow(/stdinMode/);
    });

    it('leaks no descriptor per spawn (child ends, pidfd and the pipes once read to the end)', async () => {
      const openFds = () => readdirSync('/proc/self/fd').length;
      await runToExit(api, ['/bin/true']);
      await new Promise((r) => setTimeout(r, 50)); // sockets close their fds on the next ticks
      const start = openFds();
      for (let i = 0; i < 20; i++) await runToExit(api, ['/bin/true']);
      await new Promise((r) => setTimeout(r, 50));
      expect(openFds()).toBeLessThanOrEqual(start);
    });

    it('survives a worker that exits with children still watched, or from inside onExit', async () => {
      const addon = fileURLToPath(new URL('../build/Release/spawn_native.node', import.meta.url));
      const code = `
        const { parentPort, workerData } = require('node:worker_threads');
        const m = require(${JSON.stringify(addon)});
        if (workerData === 'exit-in-callback') m.spawn('/bin/true', ['true'], [], '/', 'null', () => process.exit(0));
        else parentPort.postMessage(m.spawn('/bin/sleep', ['sleep', '30'], [], '/', 'null', () => {}).pid);
      `;
      for (let i = 0; i < 3; i++) {
        const running = new Worker(code, { eval: true, workerData: 'running' });
        const pid = await new Promise<number>((r) => running.once('message', r));
        await running.terminate(); // its loop is torn down while the child runs
        process.kill(pid, 'SIGKILL');
        const exiting = new Worker(code, { eval: true, workerData: 'exit-in-callback' });
        await new Promise((r) => exiting.once('exit', r));
      }
      expect((await runToExit(api, ['/bin/true'])).code).toBe(0); // and this process is fine
    });
  });
});
