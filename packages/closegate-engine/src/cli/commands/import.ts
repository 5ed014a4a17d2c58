import fs from 'node:fs';
import path from 'node:path';
import { CSV_COLUMNS } from '../../import/entriesCsv.js';
import { CsvImportError } from '../../errors.js';
import { parse, DB_OPTION } from '../args.js';
import { EXIT_DENIED, EXIT_OK, EXIT_USAGE, printJson, UsageError } from '../io.js';
import { describeDecision, openExisting, withEngine } from '../shared.js';
import type { Command } from './types.js';

const HELP = `usage: closegate-engine import [--db PATH] [--policy FILE] [--json] FILE.csv

Imports ledger, sub-ledger and bank entries from a CSV file (RFC 4180, comma
separated, header row required, UTF-8). Columns, in this order:
  ${CSV_COLUMNS.join(',')}
  source        gl | subledger | bank
  entity        a configured entity code (e.g. US01)
  posting_date  YYYY-MM-DD (the entity's local date)
  amount        decimal string, e.g. -1234.50 (no exponent, no separators)
  currency      ISO 4217 code; at most its minor-unit decimals
A file with any invalid row is rejected whole (rows are numbered with the
header as row 1); nothing is imported. Acts as $CLOSEGATE_ACTOR_ID if set,
else engine:import. Exit: 0 imported, 1 rejected or usage error, 3 blocked by policy.`;

export const importCommand: Command = {
  name: 'import',
  summary: 'import entries from a CSV file (all rows or none)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...DB_OPTION, policy: { type: 'string' } }, HELP, 1);
    if (values.help) return (io.out(HELP), EXIT_OK);
    const file = positionals[0];
    if (file === undefined) throw new UsageError('missing FILE.csv', HELP);
    const csv = fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
    const engine = openExisting(values.db, values.policy, io, HELP);
    return withEngine(engine, (e) => {
      try {
        const result = e.operations.importCsv({ actor: io.env.CLOSEGATE_ACTOR_ID || 'engine:import', csv });
        if (values.json) printJson(io, result);
        else if (result.status === 'imported')
          io.out(`imported ${result.imported} entries (audit seq ${result.auditSeq})`);
        else io.out(`import blocked by policy: ${describeDecision(result.decision)}`);
        return result.status === 'imported' ? EXIT_OK : EXIT_DENIED;
      } catch (err) {
        if (!(err instanceof CsvImportError)) throw err;
        if (values.json) printJson(io, { ok: false, code: err.code, rowErrors: err.rowErrors });
        else io.err(err.message);
        return EXIT_USAGE;
      }
    });
  },
};
