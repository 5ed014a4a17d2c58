import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, execute, prepareExecution } from '../src/executor/execute.js';
import { resolveBinary } from '../src/executor/resolve-binary.js';
import { buildChildEnv } from '../src/executor/env.js';
import { prepareWorkDir } from '../src/executor/workdir.js';
import { PROVIDERS } from '../src/providers/registry.js';
import { FAKE_CLI_DIR, fakeEnv, pidAlive, tempDir, waitFor } from './helpers/env.js';
import { SPAWNERS, useSpawner } from './helpers/spawners.js';

const limits = { ...DEFAULT_LIMITS, killGraceMs: 300, totalTimeoutMs: 15_000, idleTimeoutMs: 10_000 };
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(mode: string) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const pidfile = join(t.dir, 'pids');
  const env = fakeEnv(t.dir, { FAKE_CLI_MODE: mode, FAKE_CLI_PIDFILE: pidfile });
  return { env, pidfile, dir: t.dir };
}

function claudeRun(env: NodeJS.ProcessEnv, over: Partial<typeof limits> = {}, signal?: AbortSignal) {
  const prepared = prepareExecution(PROVIDERS.claude, { prompt: 'hello', options: {} }, env);
  return execute(PROVIDERS.claude, prepared, { limits: { ...limits, ...over }, signal });
}

describe.each(SPAWNERS)('executor (%s spawner)', (spawner) => {
  useSpawner(spawner);

  it('kills a hanging CLI and its SIGTERM-ignoring grandchild on the idle timeout', async () => {
    const { env, pidfile } = setup('grandchild');
    const result = await claudeRun(env, { idleTimeoutMs: 400 });
    expect(result.stopped).toBe('idle-timeout');
    const [pid, grandchild] = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);
    expect(pid).toBeGreaterThan(0);
    expect(grandchild).toBeGreaterThan(0);
    expect(await waitFor(() => !pidAlive(pid!) && !pidAlive(grandchild!), 3000)).toBe(true);
  });

  it('kills on the total timeout even while output keeps flowing', async () => {
    const { env } = setup('error');
    // codex offline keeps printing reconnect errors; use gemini-like total timeout on the raw runner through codex
    const prepared = prepareExecution(PROVIDERS.codex, { prompt: 'x', options: {} }, env);
    const noWatcher = { ...PROVIDERS.codex, fatalLineWatcher: undefined };
    const result = await execute(noWatcher, prepared, {
      limits: { ...limits, totalTimeoutMs: 500, idleTimeoutMs: 5000 },
    });
    expect(result.stopped).toBe('total-timeout');
    expect(result.stdout).toContain('Reconnecting');
  });

  it('caps a flood of output and kills the group', async () => {
    const { env } = setup('flood');
    const result = await claudeRun(env, { outputCapBytes: 256 * 1024 });
    expect(result.stopped).toBe('output-cap');
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(256 * 1024);
    expect(pidAlive(result.pid!)).toBe(false);
  });

  it('surfaces a non-zero exit with its stderr', async () => {
    const { env } = setup('exit');
    const result = await claudeRun(env);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('fatal: something broke');
    expect(result.stopped).toBeUndefined();
  });

  it('cancels through an AbortSignal and kills the grandchild too', async () => {
    const { env, pidfile } = setup('hang');
    const ac = new AbortController();
    const running = claudeRun(env, {}, ac.signal);
    await waitFor(() => existsSync(pidfile) && readFileSync(pidfile, 'utf8').includes(' '));
    ac.abort();
    const result = await running;
    expect(result.stopped).toBe('canceled');
    const [, grandchild] = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);
    expect(await waitFor(() => !pidAlive(grandchild!), 3000)).toBe(true);
  });

  it('passes only allow-listed env and the provider credentials, never the rest', async () => {
    const { env } = setup('echo-env');
    env.GATEWAY_SECRET_SAUCE = 'must-not-leak';
    env.ANTHROPIC_API_KEY = 'sk-ant-test-credential-value';
    env.OPENAI_API_KEY = 'sk-openai-for-codex-only-0000';
    const result = await claudeRun(env);
    const childEnv = JSON.parse(JSON.parse(result.stdout).result) as Record<string, string>;
    expect(childEnv.GATEWAY_SECRET_SAUCE).toBeUndefined();
    expect(childEnv.OPENAI_API_KEY).toBeUndefined();
    expect(childEnv.ANTHROPIC_API_KEY).toBe('sk-ant-test-credential-value');
    expect(childEnv.PATH).toBe(env.PATH);
  });

  it('runs in a fresh private temp dir, never the gateway cwd, and removes it', async () => {
    const { env } = setup('echo-argv');
    const result = await claudeRun(env);
    const cwd = (JSON.parse(JSON.parse(result.stdout).result) as { cwd: string }).cwd;
    expect(cwd).not.toBe(process.cwd());
    expect(cwd).toMatch(/llm-gw-/);
    expect(await waitFor(() => !existsSync(cwd))).toBe(true);
  });

  it('runs in an explicit workingDir, resolved through symlinks, and leaves it in place', async () => {
    const { env, dir } = setup('echo-argv');
    const prepared = prepareExecution(PROVIDERS.claude, { prompt: 'x', options: {} }, env);
    const result = await execute(PROVIDERS.claude, prepared, { limits, workingDir: dir });
    const cwd = (JSON.parse(JSON.parse(result.stdout).result) as { cwd: string }).cwd;
    expect(cwd).toBe(realpathSync(dir));
    expect(existsSync(dir)).toBe(true);
  });
});

describe('executor preparation', () => {
  it('never passes code-injection variables, even when the operator allow-lists them', () => {
    const source = {
      PATH: '/bin',
      LD_PRELOAD: '/tmp/evil.so',
      NODE_OPTIONS: '--require /tmp/evil.js',
      BASH_ENV: '/tmp/evil.sh',
      SAFE_EXTRA: 'yes',
      LLM_GATEWAY_ENV_ALLOW: 'LD_PRELOAD,NODE_OPTIONS,BASH_ENV,SAFE_EXTRA,bad-name',
    };
    const env = buildChildEnv({ source, credentialNames: [], invocationNames: [], invocationEnv: {} });
    expect(env).toEqual({ PATH: '/bin', SAFE_EXTRA: 'yes' });
  });

  it('reads the allow-list variables and the values at every call (the derived names are reused)', () => {
    const credentialNames = ['ANTHROPIC_API_KEY', 'AWS_SECRET_ACCESS_KEY'];
    const source: NodeJS.ProcessEnv = { PATH: '/bin', ANTHROPIC_API_KEY: 'k1', EXTRA: 'e', AWS_REGION: 'r' };
    const build = (cloudNames: string[] = []) =>
      buildChildEnv({ source, credentialNames, invocationNames: [], invocationEnv: {}, cloudNames });
    expect(build()).toEqual({ PATH: '/bin', ANTHROPIC_API_KEY: 'k1' });
    source.ANTHROPIC_API_KEY = 'k2';
    source.HOME = '/home/x';
    expect(build()).toEqual({ PATH: '/bin', HOME: '/home/x', ANTHROPIC_API_KEY: 'k2' });
    source.LLM_GATEWAY_ENV_ALLOW = 'EXTRA';
    expect(build()).toEqual({ PATH: '/bin', HOME: '/home/x', ANTHROPIC_API_KEY: 'k2', EXTRA: 'e' });
    expect(build(['AWS_REGION'])).toMatchObject({ AWS_REGION: 'r' });
    expect(build()).not.toHaveProperty('AWS_REGION');
    source.LD_PRELOAD = '/x.so';
    source.LLM_GATEWAY_ENV_ALLOW_UNSAFE = 'LD_PRELOAD';
    expect(build()).toMatchObject({ LD_PRELOAD: '/x.so' });
    delete source.LLM_GATEWAY_ENV_ALLOW_UNSAFE;
    expect(build()).not.toHaveProperty('LD_PRELOAD');
    credentialNames.pop(); // a changed list is derived again
    credentialNames.push('ANTHROPIC_BASE_URL');
    source.ANTHROPIC_BASE_URL = 'https://proxy';
    expect(build()).toMatchObject({ ANTHROPIC_BASE_URL: 'https://proxy' });
  });

  it('refuses a NUL byte or an oversized value in the environment', () => {
    const base = { credentialNames: [], invocationNames: [], invocationEnv: {} };
    expect(() => buildChildEnv({ ...base, source: { PATH: '/bin', HOME: 'a\0b' } })).toThrow(/NUL/);
    expect(() => buildChildEnv({ ...base, source: { PATH: 'x'.repeat(70_000) } })).toThrow(/exceeds/);
    expect(() =>
      buildChildEnv({ ...base, source: {}, invocationEnv: { LD_PRELOAD: '/tmp/evil.so' } }),
    ).toThrow(/not in the provider contract/);
  });

  it('accepts only an existing absolute workingDir', () => {
    expect(() => prepareWorkDir('relative/dir')).toThrow(/absolute/);
    expect(() => prepareWorkDir('/definitely/not/here')).toThrow(/does not exist/);
    expect(() => prepareWorkDir('/tmp\0/x')).toThrow(/NUL/);
  });

  it('creates the temp working dir 0700 and removes it on release', async () => {
    const wd = prepareWorkDir(undefined);
    expect(statSync(wd.path).mode & 0o777).toBe(0o700);
    wd.release();
    expect(await waitFor(() => !existsSync(wd.path))).toBe(true);
  });

  it('resolves binaries on absolute PATH entries only', () => {
    const { dir } = setup('ok');
    const rel = join(dir, 'rel');
    mkdirSync(rel);
    writeFileSync(join(rel, 'claude'), '#!/bin/sh\necho pwned\n');
    chmodSync(join(rel, 'claude'), 0o755);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(() => resolveBinary('claude', `rel::.`)).toThrow(/not installed/);
      expect(resolveBinary('claude', `rel:${FAKE_CLI_DIR}`)).toBe(join(FAKE_CLI_DIR, 'claude'));
    } finally {
      process.chdir(cwd);
    }
    expect(() => resolveBinary('../claude', FAKE_CLI_DIR)).toThrow();
  });
});
