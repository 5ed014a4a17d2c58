import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands/index.js';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const POLICY = path.join(ROOT, 'packages/closegate-policy/examples/policy.yaml');
const PKG = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'packages/closegate-engine/package.json'), 'utf8'),
) as {
  version: string;
};

async function run(args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => (stdout += `${t}\n`),
    err: (t) => (stderr += `${t}\n`),
    env: { CLOSEGATE_POLICY: '', ...env },
    stderrIsTty: false,
    cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('closegate-engine CLI conventions', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-engine-conv-'));
    db = path.join(dir, 'recon.db');
    expect((await run(['demo', '--db', db])).code).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--version prints the package version; help lists commands; help CMD [SUB] is CMD [SUB] --help', async () => {
    expect(await run(['--version'])).toEqual({
      code: 0,
      stdout: `closegate-engine ${PKG.version}\n`,
      stderr: '',
    });
    const help = await run(['help']);
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${c.name} `, 'm'));
    expect(help.stdout).toContain('help <command>');
    for (const c of COMMANDS) {
      const viaHelp = await run(['help', c.name]);
      expect(viaHelp.code, c.name).toBe(0);
      expect(viaHelp.stdout, c.name).toBe(`${c.help}\n`);
    }
    for (const words of [
      ['recon', 'summary'],
      ['escalations', 'show'],
      ['mcp', 'serve'],
    ]) {
      const a = await run(['help', ...words]);
      const b = await run([...words, '--help']);
      expect(a, words.join(' ')).toEqual(b);
      expect(a.code).toBe(0);
    }
    const unknown = await run(['help', 'frobnicate']);
    expect(unknown).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: unknown command: frobnicate\nrun 'closegate-engine help' for the list of commands\n",
    });
  });

  it('usage errors print the error and a one-line hint naming the (sub)command, never the whole help', async () => {
    const d = ['--db', 'DB'];
    const cases: [string[], string][] = [
      [
        ['recon', 'run', ...d, '--bogus'],
        "error: unknown option --bogus\nrun 'closegate-engine recon --help'\n",
      ],
      [
        ['escalations', 'list', ...d, '--limt', '5'],
        "error: unknown option --limt\nrun 'closegate-engine escalations --help'\n",
      ],
      [
        ['exceptions', 'list', ...d, '-x'],
        "error: unknown option -x\nrun 'closegate-engine exceptions list --help'\n",
      ],
      [['recon', 'summary', '--db'], "error: --db needs a value\nrun 'closegate-engine recon --help'\n"],
      [
        ['matches', 'show', '1', ...d, '--json=yes'],
        "error: --json takes no value\nrun 'closegate-engine matches show --help'\n",
      ],
      [
        ['matches', 'show', '1', '2', ...d],
        "error: unexpected argument: 2\nrun 'closegate-engine matches show --help'\n",
      ],
      [
        ['mcp', 'serve', '--port', '1'],
        "error: --host and --port need --http\nrun 'closegate-engine mcp serve --help'\n",
      ],
      [['recon', 'frob'], "error: unknown subcommand: recon frob\nrun 'closegate-engine recon --help'\n"],
      [
        ['frobnicate'],
        "error: unknown command: frobnicate\nrun 'closegate-engine help' for the list of commands\n",
      ],
    ];
    for (const [template, stderr] of cases) {
      const args = template.map((a) => (a === 'DB' ? db : a));
      const r = await run(args);
      expect(r.stderr, args.join(' ')).toBe(stderr);
      expect(r.stderr).not.toMatch(/usage:/);
      expect(r.stdout, args.join(' ')).toBe('');
      // usage errors exit 2 (docs/cli-conventions.md)
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it('errors name the policy setting that caused them: --policy, then CLOSEGATE_POLICY', async () => {
    const missing = path.join(dir, 'nope.yaml');
    const env = await run(['escalations', 'list', '--db', db], { CLOSEGATE_POLICY: missing });
    expect(env).toMatchObject({ code: 2, stdout: '' });
    expect(env.stderr).toBe(`error BAD_SETTING: CLOSEGATE_POLICY=${missing}: no such file\n`);
    const flag = await run(['recon', 'summary', '--db', db, '--policy', missing]);
    expect(flag.stderr).toBe(`error BAD_SETTING: --policy ${missing}: no such file\n`);
    // the flag wins over the variable: a good flag with a bad variable works
    expect(
      (await run(['recon', 'summary', '--db', db, '--policy', POLICY], { CLOSEGATE_POLICY: missing })).code,
    ).toBe(0);
    // a relative value is reported as typed, resolved against the working directory
    const rel = await run(['exceptions', 'list', '--db', db], { CLOSEGATE_POLICY: 'nope.yaml' }, dir);
    expect(rel.stderr).toBe('error BAD_SETTING: CLOSEGATE_POLICY=nope.yaml: no such file\n');
    expect((await run(['demo', '--db', db, '--policy', dir])).stderr).toBe(
      `error BAD_SETTING: --policy ${dir}: is a directory, not a policy file\n`,
    );
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'version: x\nmateriality_threshold_usd: 10000\n');
    const invalid = await run(['matches', 'show', '1', '--db', db], { CLOSEGATE_POLICY: bad });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(
      new RegExp(`^error BAD_SETTING: CLOSEGATE_POLICY=${bad}: invalid policy: .+\\n$`),
    );
    for (const args of [['demo'], ['books', 'init']]) {
      const r = await run([...args, '--db', path.join(dir, 'fresh.db'), '--policy', missing]);
      expect(r.stderr, args.join(' ')).toBe(`error BAD_SETTING: --policy ${missing}: no such file\n`);
    }
    expect(
      (await run(['mcp', 'serve', '--http', '--port', '0', '--db', db, '--policy', missing])).stderr,
    ).toBe(`error BAD_SETTING: --policy ${missing}: no such file\n`);
    expect((await run(['eval', '--quick', '--policy', missing])).stderr).toBe(
      `error BAD_SETTING: --policy ${missing}: no such file\n`,
    );
    // nothing was created on the way to the error
    expect(fs.existsSync(path.join(dir, 'fresh.db'))).toBe(false);
  });

  it('errors name the database setting: --db, CLOSEGATE_DB, or the default', async () => {
    const ghost = path.join(dir, 'ghost.db');
    expect((await run(['escalations', 'list', '--db', ghost])).stderr).toBe(
      `error BAD_SETTING: --db ${ghost}: no such database; create one with 'closegate-engine demo' or 'closegate-engine books init'\n`,
    );
    expect((await run(['audit', 'verify'], { CLOSEGATE_DB: ghost })).stderr).toMatch(
      new RegExp(`^error BAD_SETTING: CLOSEGATE_DB=${ghost}: no such database`),
    );
    // mcp serve needs an existing database too, and says which setting named it
    expect((await run(['mcp', 'serve', '--http', '--port', '0'], { CLOSEGATE_DB: ghost })).stderr).toMatch(
      new RegExp(`^error BAD_SETTING: CLOSEGATE_DB=${ghost}: no such database`),
    );
    expect(fs.existsSync(ghost)).toBe(false);
    expect((await run(['recon', 'run', '--db', dir])).stderr).toBe(
      `error BAD_SETTING: --db ${dir}: is a directory, not a database file\n`,
    );
    // the built-in default, from an empty working directory
    const empty = fs.mkdtempSync(path.join(dir, 'cwd-'));
    const dflt = await run(['exceptions', 'list'], {}, empty);
    expect(dflt.stderr).toBe(
      `error BAD_SETTING: default ${path.join(empty, '.closegate', 'recon.db')}: directory ${path.join(empty, '.closegate')} does not exist\n`,
    );
  });

  it('a database path into a missing directory tree is refused and leaves nothing behind', async () => {
    const deep = path.join(dir, 'typo', 'nested', 'recon.db');
    const csv = path.join(dir, 'lines.csv');
    fs.writeFileSync(
      csv,
      'source,entity,account_code,posting_date,amount,currency,reference,description,counterparty\r\n',
    );
    const top = path.dirname(path.dirname(deep));
    for (const [args, env, label, missingDir] of [
      [['demo', '--db', deep], {}, `--db ${deep}`, top],
      [['demo'], { CLOSEGATE_DB: deep }, `CLOSEGATE_DB=${deep}`, top],
      [['books', 'init', '--db', deep], {}, `--db ${deep}`, top],
      [['mcp', 'serve'], { CLOSEGATE_DB: deep }, `CLOSEGATE_DB=${deep}`, path.dirname(deep)],
      [['import', '--db', deep, csv], {}, `--db ${deep}`, path.dirname(deep)],
    ] as [string[], Record<string, string>, string, string][]) {
      const r = await run(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe(
        `error BAD_SETTING: ${label}: directory ${missingDir} does not exist\n`,
      );
    }
    expect(fs.existsSync(path.join(dir, 'typo'))).toBe(false);
    // the database's own folder (as ./.closegate for the default) is still created
    const own = path.join(dir, 'own', 'recon.db');
    expect((await run(['demo', '--db', own])).code).toBe(0);
    expect(fs.existsSync(own)).toBe(true);
  });

  it('a bad CLOSEGATE_AUTH_BACKEND is named with its value, before anything listens', async () => {
    const r = await run(['mcp', 'serve', '--http', '--db', db], { CLOSEGATE_AUTH_BACKEND: 'tokens' });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: CLOSEGATE_AUTH_BACKEND=tokens: must be one of token, header-trust, jwt, none\n',
    });
  });
});
