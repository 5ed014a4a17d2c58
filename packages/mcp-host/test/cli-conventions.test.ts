import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  argsErrorMessage,
  EXIT_DENIED,
  EXIT_ERROR,
  EXIT_NOT_PASSED,
  EXIT_OK,
  EXIT_USAGE,
  EXIT_VERIFY_FAILED,
  packageVersion,
  UsageError,
  usageErrorText,
  usageHint,
} from '../src/index.js';

/** The CLI conventions shared by the products' commands (docs/cli-conventions.md). */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** What node:util parseArgs throws for `args` (strict, with --db, --json and -h). */
function parseError(args: string[], allowPositionals = true): unknown {
  try {
    parseArgs({
      args,
      options: { db: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals,
    });
  } catch (err) {
    return err;
  }
  throw new Error(`parseArgs accepted ${args.join(' ')}`);
}

describe('exit codes', () => {
  it('are the codes of the table in docs/cli-conventions.md, one per meaning', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/cli-conventions.md'), 'utf8');
    const table = doc.slice(
      doc.indexOf('## Exit codes'),
      doc.indexOf('\n## ', doc.indexOf('## Exit codes') + 1),
    );
    const rows = [...table.matchAll(/^\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(rows.map(([code]) => code)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Object.fromEntries(rows)).toMatchObject({
      [EXIT_OK]: 'ok',
      [EXIT_ERROR]: expect.stringMatching(/^error/),
      [EXIT_USAGE]: expect.stringMatching(/^usage/),
      [EXIT_VERIFY_FAILED]: expect.stringMatching(/^verification failed/),
      [EXIT_DENIED]: expect.stringMatching(/^denied by policy/),
      [EXIT_NOT_PASSED]: expect.stringMatching(/did not pass/),
    });
  });
});

describe('argsErrorMessage', () => {
  it('rewrites node:util parseArgs errors short, naming the option as typed', () => {
    expect(argsErrorMessage(parseError(['--bogus']))).toBe('unknown option --bogus');
    expect(argsErrorMessage(parseError(['-x']))).toBe('unknown option -x');
    expect(argsErrorMessage(parseError(['--db']))).toBe('--db needs a value');
    expect(argsErrorMessage(parseError(['--json=yes']))).toBe('--json takes no value');
    expect(argsErrorMessage(parseError(['stray'], false))).toBe('unexpected argument: stray');
  });

  it('keeps the message of any other error, and of a non-error', () => {
    expect(argsErrorMessage(new Error('disk full'))).toBe('disk full');
    const coded = Object.assign(new Error('odd'), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
    expect(argsErrorMessage(coded)).toBe('odd');
    expect(argsErrorMessage('plain string')).toBe('plain string');
  });
});

describe('usageHint and usageErrorText', () => {
  const engine = { program: 'closegate-engine', fallback: 'closegate-engine recon' };

  it('names the (sub)command words of the help first line, up to the first non-word', () => {
    expect(usageHint('usage: closegate-engine audit snapshot --to DIR\n\nmore', engine)).toBe(
      "run 'closegate-engine audit snapshot --help'",
    );
    expect(usageHint('usage: closegate-engine recon <run|summary> [--db PATH]', engine)).toBe(
      "run 'closegate-engine recon --help'",
    );
    expect(usageHint('Usage: llm-cli-gateway doctor [--json]', { program: 'llm-cli-gateway' })).toBe(
      "run 'llm-cli-gateway doctor --help'",
    );
  });

  it('caps the words at maxWords', () => {
    const gateway = { program: 'llm-cli-gateway', maxWords: 1 };
    expect(usageHint('Usage: llm-cli-gateway logs verify [--expect-head SEQ:HASH]', gateway)).toBe(
      "run 'llm-cli-gateway logs --help'",
    );
    expect(usageHint('Usage: llm-cli-gateway logs verify', { program: 'llm-cli-gateway' })).toBe(
      "run 'llm-cli-gateway logs verify --help'",
    );
  });

  it('falls back when the help is missing, names no subcommand, or is another program', () => {
    expect(usageHint(undefined, engine)).toBe("run 'closegate-engine recon --help'");
    expect(usageHint('usage: closegate-engine <command> [options]', engine)).toBe(
      "run 'closegate-engine recon --help'",
    );
    expect(usageHint('usage: closegate-agent run', engine)).toBe("run 'closegate-engine recon --help'");
    expect(usageHint('usage: closegate-engine-x run', engine)).toBe("run 'closegate-engine recon --help'");
    expect(
      usageHint('llm-cli-gateway 0.1.0: MCP server\n\nUsage:\n  llm-cli-gateway', {
        program: 'llm-cli-gateway',
      }),
    ).toBe("run 'llm-cli-gateway --help'");
    // a usage line further down is not the first line
    expect(usageHint('intro\nusage: closegate-agent run', { program: 'closegate-agent' })).toBe(
      "run 'closegate-agent --help'",
    );
  });

  it('usageErrorText is the prefixed message and the hint, two lines', () => {
    const err = new UsageError('unknown option --bogus', 'usage: closegate-agent run --task TEXT');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('UsageError');
    expect(usageErrorText(err, 'closegate-agent', { program: 'closegate-agent' })).toBe(
      "closegate-agent: unknown option --bogus\nrun 'closegate-agent run --help'",
    );
    expect(usageErrorText(new UsageError('--db needs a value'), 'error', engine)).toBe(
      "error: --db needs a value\nrun 'closegate-engine recon --help'",
    );
  });
});

describe('packageVersion', () => {
  let dir: string;
  const moduleIn = (...parts: string[]) => pathToFileURL(path.join(dir, ...parts, 'main.js')).href;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-cli-version-'));
    write('pkg/package.json', JSON.stringify({ name: 'my-cli', version: '1.2.3' }));
    // a package.json of another package, and a broken one, on the way up are passed over
    write('pkg/dist/package.json', JSON.stringify({ type: 'module' }));
    write('pkg/src/cli/package.json', '{ not json');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("finds the named package's version upwards from the module, from src/ and dist/ alike", () => {
    expect(packageVersion(moduleIn('pkg', 'src', 'cli'), 'my-cli')).toBe('1.2.3');
    expect(packageVersion(moduleIn('pkg', 'dist', 'cli'), 'my-cli')).toBe('1.2.3');
    expect(packageVersion(moduleIn('pkg'), 'my-cli')).toBe('1.2.3');
  });

  it('is undefined for another name, or beyond four levels', () => {
    expect(packageVersion(moduleIn('pkg', 'src', 'cli'), 'other-cli')).toBeUndefined();
    expect(packageVersion(moduleIn('pkg', 'a', 'b', 'c', 'd'), 'my-cli')).toBeUndefined();
    expect(packageVersion(moduleIn('pkg', 'a', 'b', 'c'), 'my-cli')).toBe('1.2.3');
  });

  it("reads this package's own version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages/mcp-host/package.json'), 'utf8')) as {
      version: string;
    };
    expect(packageVersion(import.meta.url, 'mcp-host')).toBe(pkg.version);
  });
});
