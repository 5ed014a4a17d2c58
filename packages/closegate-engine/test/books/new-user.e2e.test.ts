import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { openEngine } from '../../src/engine.js';
import { ENTRIES_HEADER, tempDir } from './helpers.js';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/books.yaml');

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => (stdout += `${t}\n`),
    err: (t) => (stderr += `${t}\n`),
    env: { CLOSEGATE_POLICY: '', CLOSEGATE_ACTOR_ID: 'human:controller' },
    stderrIsTty: false,
    cwd,
  };
  return { code: await main(args, io), stdout, stderr };
}

/**
 * The path issue 14 asks a new user to walk: books init from the example,
 * fx import daily rates, import bank and GL files, recon run. Only what the
 * set-up decides is asserted here (the matcher's own choices are tested with
 * the matcher): the run succeeds, the exact pair is matched, and a line whose
 * only rate is too old is an FX_RATE_MISSING exception, not a failed run.
 */
describe('a new user on their own books', () => {
  it('books init, fx import, import bank and GL, recon run', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'recon.db');
    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
    write(
      'rates.csv',
      'date,base,quote,rate,source\n2026-03-03,EUR,USD,1.0850,ECB\n2026-03-04,EUR,USD,1.0861,ECB\n2026-03-05,EUR,USD,1.0844,ECB\n',
    );
    write(
      'bank.csv',
      [
        'source,entity,account_code,posting_date,debit,credit,currency,reference,description,counterparty',
        'bank,US01,1010,03/03/2026,"12,500.00",,USD,INV-20417,ACH CREDIT GLOBEX INV-20417,Globex',
        'bank,JP01,1010,20/03/2026,"480,000",,JPY,JP-7781,FURIKOMI TOKYO TRADING,Tokyo Trading KK',
      ].join('\n'),
    );
    write(
      'gl.csv',
      [
        ENTRIES_HEADER,
        'gl,US01,1010,2026-03-03,12500.00,USD,INV-20417,Customer receipt INV-20417,Globex',
        'gl,JP01,1010,2026-03-20,480000,JPY,JP-7781,Receipt JP-7781,Tokyo Trading KK',
      ].join('\n'),
    );
    expect((await cli(['books', 'init', '--db', db, '--from', EXAMPLE], dir)).code).toBe(0);
    expect((await cli(['fx', 'import', 'rates.csv', '--db', db], dir)).code).toBe(0);
    const bank = await cli(['import', 'bank.csv', '--db', db, '--date-format', 'DD/MM/YYYY'], dir);
    expect(bank.code, bank.stderr).toBe(0);
    expect((await cli(['import', 'gl.csv', '--db', db], dir)).code).toBe(0);
    const recon = await cli(['recon', 'run', '--db', db, '--json'], dir);
    expect(recon.code, recon.stderr).toBe(0);
    expect(JSON.parse(recon.stdout)).toMatchObject({ state: 'SUCCEEDED' });

    const e = openEngine({ dbPath: db });
    try {
      const lines = e.context.store.db
        .prepare('SELECT id, entity, reference, state FROM entries ORDER BY id')
        .all() as { id: number; entity: string; reference: string; state: string }[];
      const us = lines.filter((l) => l.entity === 'US01').map((l) => l.id);
      const match = e.context.store.matches.liveMatchOf(us[0]!);
      expect(match).toBeDefined();
      expect(e.context.store.matches.get(match!)!.entryIds).toEqual(us);
      // JPY/USD is known only on 2026-03-02 (books.yaml), 18 days before these lines: stale
      const jp = lines.filter((l) => l.entity === 'JP01');
      expect(jp.map((l) => l.state)).toEqual(['exception', 'exception']);
      const reasons = e.queries.exceptions({ limit: 10 }).map((x) => x.reasonCode);
      expect(reasons).toEqual(['FX_RATE_MISSING', 'FX_RATE_MISSING']);
    } finally {
      e.close();
    }
  });
});
