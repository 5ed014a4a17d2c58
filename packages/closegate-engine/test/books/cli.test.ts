import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { BOOKS_YAML, ENTRIES_HEADER, tempDir } from './helpers.js';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/books.yaml');

async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => (stdout += `${t}\n`),
    err: (t) => (stderr += `${t}\n`),
    env: { CLOSEGATE_POLICY: '', ...env },
    stderrIsTty: false,
    cwd: tempDir(),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const json = <T = Record<string, unknown>>(text: string): T => JSON.parse(text) as T;

describe('books, fx and import on the command line', () => {
  const dir = tempDir();
  const db = path.join(dir, 'recon.db');
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  it('every subcommand has --help', async () => {
    for (const c of [
      ['books'],
      ['books', 'init'],
      ['books', 'apply'],
      ['books', 'show'],
      ['fx'],
      ['fx', 'import'],
      ['fx', 'show'],
      ['import'],
    ]) {
      const h = await run([...c, '--help']);
      expect(h.code, c.join(' ')).toBe(0);
      expect(h.stdout, c.join(' ')).toMatch(/usage: closegate-engine (books|fx|import)/);
    }
    expect((await run(['books', 'frobnicate'])).code).toBe(2);
    expect((await run(['fx', 'show', '--db', db, '--pair', 'eurusd'])).code).toBe(2);
  });

  it('books init from the example, apply is idempotent, show --json', async () => {
    const init = await run(['books', 'init', '--db', db, '--from', EXAMPLE, '--json']);
    expect(init.code, init.stderr).toBe(0);
    expect(json(init.stdout)).toMatchObject({ ok: true, status: 'applied', database: db });
    expect(fs.statSync(db).mode & 0o777).toBe(0o600);
    const again = await run(['books', 'apply', EXAMPLE, '--db', db, '--json']);
    expect(json(again.stdout)).toMatchObject({ ok: true, status: 'unchanged', changes: [] });
    const show = json<{
      entities: { code: string }[];
      matching: { source: string };
      fx: { coverage: unknown[] };
    }>((await run(['books', 'show', '--db', db, '--json'])).stdout);
    expect(show.entities.map((e) => e.code)).toEqual(['DE01', 'JP01', 'US01']);
    expect(show.matching.source).toBe('books.yaml');
    expect(show.fx.coverage).toHaveLength(2);
    const text = await run(['books', 'show', '--db', db]);
    expect(text.stdout).toMatch(/FX coverage \(staleness window: 5 days\)/);
    // init never touches an existing database
    expect((await run(['books', 'init', '--db', db])).code).toBe(2);
  });

  it('books init without --from makes an empty database; a bad file leaves none behind', async () => {
    const empty = path.join(tempDir(), 'empty.db');
    expect((await run(['books', 'init', '--db', empty])).code).toBe(0);
    const show = json<{ entities: unknown[]; books: unknown }>(
      (await run(['books', 'show', '--db', empty, '--json'])).stdout,
    );
    expect(show).toMatchObject({ entities: [], books: null });
    const bad = file('bad-books.yaml', BOOKS_YAML.replace("type: 'liability'", "type: 'liabilty'"));
    const target = path.join(tempDir(), 'never.db');
    const r = await run(['books', 'init', '--db', target, '--from', bad, '--json']);
    expect(r.code).toBe(1);
    expect(json<{ issues: { path: string }[] }>(r.stdout).issues[0]!.path).toBe('accounts.1.type');
    expect(fs.existsSync(target)).toBe(false);
    // refused by the policy check after the file was created: removed again
    const noOverride = file(
      'no-override.yaml',
      `${BOOKS_YAML}materiality:\n  overrides_from_policy: ['DE01']\n`,
    );
    const r2 = await run(['books', 'init', '--db', target, '--from', noOverride]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/materiality\.overrides_from_policy\.0/);
    expect(fs.existsSync(target)).toBe(false);
  });

  it('fx import and show; import refuses a duplicate file and lists bad rows as JSON', async () => {
    const rates = file('rates.csv', 'date,base,quote,rate,source\n2026-03-03,EUR,USD,1.0850,ECB\n');
    expect(json((await run(['fx', 'import', rates, '--db', db, '--json'])).stdout)).toMatchObject({
      ok: true,
      imported: 1,
    });
    const badRates = file(
      'bad-rates.csv',
      'date,base,quote,rate,source\n2026-03-04,EUR,USD,1e0,ECB\n2026-03-05,EUR,USD,-1,ECB\n',
    );
    const fxBad = await run(['fx', 'import', badRates, '--db', db]);
    expect(fxBad.code).toBe(1);
    expect(fxBad.stderr).toMatch(/row 2: rate[\s\S]*row 3: rate/);
    const fxShow = json<{ pair: string; rates: { asOf: string }[] }>(
      (await run(['fx', 'show', '--db', db, '--pair', 'EUR/USD', '--json'])).stdout,
    );
    expect(fxShow.rates.map((r) => r.asOf)).toEqual(['2026-03-02', '2026-03-03']);

    const lines = file(
      'lines.csv',
      `${ENTRIES_HEADER}\nbank,US01,1010,2026-03-03,"1,250.00",USD,INV-1,Receipt,Acme\n`,
    );
    expect(json((await run(['import', '--db', db, lines, '--json'])).stdout)).toMatchObject({
      status: 'imported',
      imported: 1,
    });
    const dup = await run(['import', '--db', db, lines, '--json']);
    expect(dup.code).toBe(1);
    expect(json(dup.stdout)).toMatchObject({ ok: false, code: 'IMPORT_DUPLICATE_FILE' });
    const skip = await run(['import', '--db', db, lines, '--allow-duplicate-file', '--on-duplicate', 'skip']);
    expect(skip.code).toBe(0);
    expect(skip.stdout).toMatch(/imported 0 entries .*skipped 1 duplicate row\(s\): row 2 = entry 1/);
    const bad = file(
      'bad-lines.csv',
      `${ENTRIES_HEADER}\nbank,US01,7777,2026-03-03,1.00,USD,X,,\nbank,US01,1010,03/03/2026,1.00,USD,X,,\n`,
    );
    const rejected = await run(['import', '--db', db, bad, '--json']);
    expect(rejected.code).toBe(1);
    expect(json<{ rowErrors: { row: number }[] }>(rejected.stdout).rowErrors.map((r) => r.row)).toEqual([
      2, 3,
    ]);
    expect((await run(['import', '--db', db, bad, '--on-duplicate', 'maybe'])).code).toBe(2);
    expect((await run(['import', '--db', db, bad, '--date-format', 'DD/MM/YY'])).stderr).toMatch(
      /YYYY, MM and DD/,
    );
  });
});
