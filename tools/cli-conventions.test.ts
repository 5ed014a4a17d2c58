import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { FlightRecorder } from 'llm-cli-gateway';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * The conventions of docs/cli-conventions.md, checked on the installed commands: each CLI
 * runs as a child process through its committed bin/ launcher (so on the built dist/, as a
 * user runs it; `npm ci` builds it, `npm run build` refreshes it).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = {
  engine: path.join(ROOT, 'packages/closegate-engine/bin/closegate-engine.js'),
  agent: path.join(ROOT, 'packages/closegate-agent/bin/closegate-agent.js'),
  gateway: path.join(ROOT, 'packages/llm-cli-gateway/bin/llm-cli-gateway.js'),
};
const version = (pkg: string) =>
  (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

// Every case starts fresh Node processes; a loaded machine makes that slow, not wrong.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let dir: string;
let baseEnv: NodeJS.ProcessEnv;

function run(bin: keyof typeof BIN, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN[bin], ...args], {
    cwd: dir,
    env: { ...baseEnv, ...env },
    encoding: 'utf8',
    input: '',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  for (const pkg of ['closegate-engine', 'closegate-agent', 'llm-cli-gateway'])
    expect(
      fs.existsSync(path.join(ROOT, 'packages', pkg, 'dist/cli/main.js')),
      `${pkg} is not built: run \`npm run build\` first`,
    ).toBe(true);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-conventions-'));
  // Only what the commands need: no CLOSEGATE_* / LLM_GATEWAY_* from the developer's shell.
  baseEnv = { PATH: process.env.PATH ?? '', HOME: dir, LLM_GATEWAY_HOME: path.join(dir, 'gw') };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('--version and help, on every CLI', () => {
  it.each([
    ['engine', 'closegate-engine'],
    ['agent', 'closegate-agent'],
    ['gateway', 'llm-cli-gateway'],
  ] as const)('%s', (bin, name) => {
    expect(run(bin, ['--version'])).toEqual({ code: 0, stdout: `${name} ${version(name)}\n`, stderr: '' });
    const help = run(bin, ['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit: 0 ok, 1 error, 2 usage/);
    expect(run(bin, ['--help']).stdout).toBe(help.stdout);
    const sub = { engine: ['recon', 'run'], agent: ['run'], gateway: ['logs'] }[bin];
    const viaHelp = run(bin, ['help', sub[0]!]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toMatch(new RegExp(`^[Uu]sage: ${name} ${sub[0]}`));
    const viaFlag = run(bin, [...sub, '--help']);
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stdout).toMatch(new RegExp(`^[Uu]sage: ${name} ${sub[0]}`));
  });
});

describe('unknown options and usage errors: exit 2, one line and a hint, never the whole help', () => {
  it.each([
    [
      'engine',
      ['recon', 'run', '--bogus'],
      "error: unknown option --bogus\nrun 'closegate-engine recon --help'\n",
    ],
    [
      'engine',
      ['frobnicate'],
      "error: unknown command: frobnicate\nrun 'closegate-engine help' for the list of commands\n",
    ],
    [
      'agent',
      ['run', '--task', 'x', '--bogus'],
      "closegate-agent: unknown option --bogus\nrun 'closegate-agent run --help'\n",
    ],
    ['agent', ['run'], "closegate-agent: --task is required\nrun 'closegate-agent run --help'\n"],
    ['agent', ['frobnicate'], "closegate-agent: unknown command: frobnicate\nrun 'closegate-agent --help'\n"],
    [
      'gateway',
      ['logs', 'verify', '--bogus'],
      "llm-cli-gateway: unknown option --bogus\nrun 'llm-cli-gateway logs --help'\n",
    ],
    [
      'gateway',
      ['--tranport', 'http'],
      "llm-cli-gateway: unknown option --tranport\nrun 'llm-cli-gateway --help'\n",
    ],
    [
      'gateway',
      ['doctor', 'now'],
      "llm-cli-gateway: unexpected argument: now\nrun 'llm-cli-gateway doctor --help'\n",
    ],
    [
      'gateway',
      ['frobnicate'],
      "llm-cli-gateway: unknown command: frobnicate\nrun 'llm-cli-gateway --help'\n",
    ],
  ] as const)('%s %j', (bin, args, stderr) => {
    expect(run(bin, [...args])).toEqual({ code: 2, stdout: '', stderr });
  });
});

describe('errors name the setting that caused them, as the user wrote it (exit 2)', () => {
  it('engine: --policy and CLOSEGATE_POLICY', () => {
    const db = path.join(dir, 'settings.db');
    expect(run('engine', ['demo', '--db', db]).code).toBe(0);
    expect(run('engine', ['escalations', 'list', '--db', db], { CLOSEGATE_POLICY: '/nope.yaml' })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error BAD_SETTING: CLOSEGATE_POLICY=/nope.yaml: no such file\n',
    });
    expect(run('engine', ['recon', 'summary', '--db', db, '--policy', '/nope.yaml']).stderr).toBe(
      'error BAD_SETTING: --policy /nope.yaml: no such file\n',
    );
    const ghost = path.join(dir, 'ghost.db');
    expect(run('engine', ['audit', 'verify'], { CLOSEGATE_DB: ghost }).stderr).toMatch(
      new RegExp(`^error BAD_SETTING: CLOSEGATE_DB=${ghost}: no such database`),
    );
  });

  it('gateway: --transport as the flag, LLM_GATEWAY_* as NAME=value, never a token value', () => {
    expect(run('gateway', ['--transport', 'htp'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "llm-cli-gateway: --transport htp: not a transport (stdio | http)\nrun 'llm-cli-gateway --help'\n",
    });
    expect(run('gateway', [], { LLM_GATEWAY_TRANSPORT: 'htp' })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'llm-cli-gateway: LLM_GATEWAY_TRANSPORT=htp: is not a transport (stdio | http)\n',
    });
    expect(run('gateway', [], { LLM_GATEWAY_HTTP_PORT: '99999' }).stderr).toBe(
      'llm-cli-gateway: LLM_GATEWAY_HTTP_PORT=99999: is not a port number (0-65535)\n',
    );
    const short = run('gateway', [], { LLM_GATEWAY_AUTH_TOKEN: 'short-secret' });
    expect(short.code).toBe(2);
    expect(short.stderr).toBe(
      'llm-cli-gateway: LLM_GATEWAY_AUTH_TOKEN: is shorter than 16 characters; use a long random token\n',
    );
    expect(short.stderr).not.toContain('short-secret');
    const cfg = run('gateway', ['workspace', 'list'], { LLM_GATEWAY_CONFIG: '/nope.toml' });
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toMatch(/^llm-cli-gateway: LLM_GATEWAY_CONFIG=\/nope\.toml: /);
  });

  it('agent: --db and CLOSEGATE_DB', () => {
    const ghost = path.join(dir, 'nothing', 'recon.db');
    expect(run('agent', ['run', '--task', 'x', '--db', ghost]).stderr).toMatch(
      new RegExp(`^closegate-agent: --db ${ghost}: no such database`),
    );
    expect(run('agent', ['run', '--task', 'x'], { CLOSEGATE_DB: ghost }).stderr).toMatch(
      new RegExp(`^closegate-agent: CLOSEGATE_DB=${ghost}: no such database`),
    );
  });
});

describe('exit-code table: 0 ok, 1 error, 2 usage, 3 verification failed, 4 denied by policy', () => {
  it('closegate-engine', () => {
    const db = path.join(dir, 'table.db');
    expect(run('engine', ['demo', '--db', db]).code).toBe(0);
    expect(run('engine', ['audit', 'verify', '--db', db]).code).toBe(0);
    // error: a well-formed id that does not exist
    expect(run('engine', ['escalations', 'show', '9999', '--db', db])).toMatchObject({
      code: 1,
      stderr: 'error NOT_FOUND: escalation 9999 does not exist\n',
    });
    expect(run('engine', ['escalations', 'show', 'x', '--db', db]).code).toBe(2);
    // denied: the gate refuses the requester's own approval of a material escalation
    const list = JSON.parse(run('engine', ['escalations', 'list', '--db', db, '--json']).stdout) as {
      rows: { id: number; clauseCode: string }[];
    };
    const material = list.rows.find((x) => x.clauseCode === 'MATERIALITY_OVER_THRESHOLD')!;
    const denied = run('engine', ['escalations', 'approve', String(material.id), '--db', db], {
      CLOSEGATE_ACTOR_ID: 'human:alice',
    });
    expect(denied.code, denied.stderr).toBe(4);
    // verification failed: one audit row edited in a copy (its trigger dropped first)
    const broken = path.join(dir, 'broken.db');
    fs.copyFileSync(db, broken);
    const w = new Database(broken);
    w.exec('DROP TRIGGER audit_events_no_update;');
    w.prepare("UPDATE audit_events SET actor = 'human:mallory' WHERE seq = 3").run();
    w.close();
    const verify = run('engine', ['audit', 'verify', '--db', broken, '--json']);
    expect(verify.code).toBe(3);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, brokenSeq: 3 });
  });

  it('llm-cli-gateway logs verify', () => {
    const home = path.join(dir, 'gw-logs');
    fs.mkdirSync(home, { mode: 0o700 });
    const env = { LLM_GATEWAY_HOME: home };
    // error: nothing to verify yet
    expect(run('gateway', ['logs', 'verify'], env).code).toBe(1);
    const rec = new FlightRecorder(path.join(home, 'logs.db'));
    for (let i = 0; i < 3; i++) {
      const id = randomUUID();
      rec.start({ correlationId: id, owner: 'local:op', transport: 'stdio', cli: 'claude', prompt: `p${i}` });
      rec.complete(id, 'local:op', { status: 'completed', durationMs: 1, exitCode: 0, response: 'r' });
    }
    rec.close();
    expect(run('gateway', ['logs', 'verify'], env)).toMatchObject({ code: 0, stderr: '' });
    expect(run('gateway', ['logs', 'verify', '--expect-head', 'nonsense'], env).code).toBe(2);
    // verification failed: one response edited behind the recorder's back
    const w = new Database(path.join(home, 'logs.db'));
    for (const t of w
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'requests'")
      .all())
      w.exec(`DROP TRIGGER "${(t as { name: string }).name}"`);
    expect(w.prepare("UPDATE requests SET response = 'edited' WHERE prompt = 'p1'").run().changes).toBe(1);
    w.close();
    const verify = run('gateway', ['logs', 'verify', '--json'], env);
    expect(verify.code).toBe(3);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false });
  });
});
