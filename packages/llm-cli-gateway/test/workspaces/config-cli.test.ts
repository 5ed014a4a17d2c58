import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { doctorReport } from '../../src/cli/doctor.js';
import { workspaceCommand } from '../../src/cli/workspace.js';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig, parseConfigText } from '../../src/config/file.js';
import { fakeEnv, REPO_ROOT, tempDir } from '../helpers/env.js';
import { TWO_PRINCIPALS } from '../http/http-gateway.js';
import { workspaceTree } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(toml = TWO_PRINCIPALS) {
  const tree = workspaceTree();
  cleanups.push(tree.cleanup);
  const file = join(tree.root, 'config.toml');
  writeFileSync(file, toml, { mode: 0o600 });
  const env = fakeEnv(tree.root, { LLM_GATEWAY_CONFIG: file });
  const out: string[] = [];
  const err: string[] = [];
  const cli = (...argv: string[]) => {
    out.length = 0;
    err.length = 0;
    return workspaceCommand(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, env);
  };
  return { tree, file, env, out, err, cli };
}

function configErrorOf(text: string): ConfigError {
  try {
    parseConfigText(text);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('[workspaces] in config.toml', () => {
  it('is strict: unknown keys, bad aliases, relative paths and a dangling default are errors naming the key', () => {
    expect(configErrorOf('[workspaces.a]\npath = "/tmp"\nmax_permision = "full"\n').keyPath).toBe(
      'workspaces.a.max_permision',
    );
    expect(configErrorOf('[workspaces]\ndefualt = "a"\n').keyPath).toBe('workspaces.defualt');
    expect(configErrorOf('[workspaces.a]\npath = "rel/dir"\n').keyPath).toBe('workspaces.a.path');
    expect(configErrorOf('[workspaces]\ndefault = "nope"\n').message).toMatch(
      /workspaces\.default: names no workspace/,
    );
    expect(configErrorOf('[workspaces.a]\npath = "/tmp"\nmax_permission = "yolo"\n').keyPath).toBe(
      'workspaces.a.max_permission',
    );
    expect(configErrorOf('[workspaces.a]\npath = "/tmp"\nproviders = ["bash"]\n').keyPath).toMatch(
      /^workspaces\.a\.providers/,
    );
    expect(configErrorOf('[workspaces."a b"]\npath = "/tmp"\n').keyPath).toBe('workspaces.a b');
  });

  it('canonicalises paths (symlinks resolved) and flags missing ones', () => {
    const { tree, file, env } = setup('');
    writeFileSync(
      file,
      `[workspaces.l]\npath = "${join(tree.a, 'inner-link')}"\n\n[workspaces.gone]\npath = "${join(tree.root, 'gone')}"\n`,
    );
    const reg = loadConfig(env).workspaces;
    expect(reg.entries.l).toMatchObject({ path: join(tree.a, 'sub'), exists: true, maxPermission: 'edits' });
    expect(reg.entries.gone!.exists).toBe(false);
  });
});

describe('llm-cli-gateway workspace', () => {
  it('add / list / remove edit the config atomically, 0600, keeping the rest', () => {
    const { tree, file, out, err, cli } = setup();
    const inodeBefore = statSync(file).ino;
    expect(
      cli(
        'add',
        'proj',
        join(tree.a, 'inner-link'),
        '--providers',
        'claude,codex',
        '--max-permission',
        'read-only',
        '--default',
      ),
    ).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(file).ino).not.toBe(inodeBefore); // replaced by rename, never rewritten in place
    expect(readdirSync(tree.root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const cfg = parseConfigText(readFileSync(file, 'utf8'));
    expect(cfg.http.principals.map((p) => p.name)).toEqual(['alice', 'bob']);
    expect(cfg.workspaces.default).toBe('proj');
    expect(cfg.workspaces.proj).toEqual({
      path: join(tree.a, 'sub'),
      providers: ['claude', 'codex'],
      max_permission: 'read-only',
    });

    expect(cli('list', '--json')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({
      default: 'proj',
      workspaces: [{ alias: 'proj', path: join(tree.a, 'sub'), exists: true, maxPermission: 'read-only' }],
    });
    expect(cli('add', 'other', tree.b, '--json')).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ added: { alias: 'other', path: tree.b } });
    expect(cli('remove', 'proj')).toBe(0);
    const after = parseConfigText(readFileSync(file, 'utf8'));
    expect(after.workspaces.proj).toBeUndefined();
    expect(after.workspaces.default).toBeUndefined();
    expect(after.workspaces.other).toEqual({ path: tree.b });
    expect(err).toEqual([]);
  });

  it('refuses bad input with exit 2 and leaves the file byte-for-byte unchanged', () => {
    const { tree, file, err, cli } = setup();
    expect(cli('add', 'x', tree.a)).toBe(0);
    const before = readFileSync(file);
    const bad: string[][] = [
      ['add', 'y', join(tree.root, 'missing')],
      ['add', 'x', tree.b], // already registered
      ['add', 'default', tree.b],
      ['add', '../evil', tree.b],
      ['add', 'y', tree.b, '--providers', 'claude,bash'],
      ['add', 'y', tree.b, '--max-permission', 'yolo'],
      ['remove', 'nope'],
      ['add', 'y'],
      ['frobnicate'],
    ];
    for (const argv of bad) {
      expect(cli(...argv)).toBe(2);
      expect(err.join('\n')).not.toBe('');
    }
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(cli('--help')).toBe(0);
  });

  it('refuses to edit a config that is already invalid', () => {
    const { tree, file, cli } = setup('[limits]\nmax_concurent = 3\n');
    expect(cli('add', 'a', tree.a)).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('[limits]\nmax_concurent = 3\n');
  });

  it('is wired into the CLI: --help and list --json', () => {
    const { tree, env, cli } = setup();
    expect(cli('add', 'a', tree.a)).toBe(0);
    const main = ['--conditions=source', '--import', 'tsx', 'packages/llm-cli-gateway/src/cli/main.ts'];
    const r = spawnSync(process.execPath, [...main, 'workspace', 'list', '--json'], {
      cwd: REPO_ROOT,
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ workspaces: [{ alias: 'a', path: tree.a }] });
  });
});

describe('doctor and workspaces', () => {
  it('warns when HTTP is enabled with no workspace, and flags a missing path', async () => {
    const { tree, env, cli } = setup();
    const none = await doctorReport(env);
    expect(none.workspaces).toMatchObject({ httpEnabled: true, workspaces: [] });
    expect(none.warnings.join('\n')).toMatch(/HTTP is enabled but no workspace is registered/);

    const gone = join(tree.root, 'gone');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(gone);
    expect(cli('add', 'gone', gone)).toBe(0);
    rmSync(gone, { recursive: true });
    const report = await doctorReport(env);
    expect(report.workspaces!.workspaces).toMatchObject([{ alias: 'gone', exists: false }]);
    expect(report.warnings.join('\n')).toMatch(/workspace "gone": .* is missing/);
    expect(report.warnings.join('\n')).not.toMatch(/no workspace is registered/);
  });

  it('says nothing about workspaces for a stdio-only set-up', async () => {
    const t = tempDir('gw-ws-doc-');
    cleanups.push(t.cleanup);
    const report = await doctorReport(fakeEnv(t.dir));
    expect(report.workspaces).toMatchObject({ httpEnabled: false });
    expect(report.warnings.join('\n')).not.toMatch(/workspace/);
  });
});
