import fs from 'node:fs';
import path from 'node:path';
import { CsvImportError } from '../../errors.js';
import { CSV_COLUMNS, CSV_COLUMNS_DEBIT_CREDIT } from '../../import/entriesCsv.js';
import { DuplicateFileError } from '../../import/errors.js';
import { importEntriesCsv } from '../../operations/importEntries.js';
import { parse, DB_OPTION } from '../args.js';
import { EXIT_DENIED, EXIT_OK, EXIT_ERROR, printJson, UsageError } from '../io.js';
import { listRowErrors } from '../rowErrors.js';
import { describeDecision, openExisting, withEngine } from '../shared.js';
import type { Command } from './types.js';

const HELP = `usage: closegate-engine import [--db PATH] [--policy FILE] [--on-duplicate skip|fail]
                              [--allow-duplicate-file] [--decimal-comma] [--date-format FMT]
                              [--json] FILE.csv

Imports ledger, sub-ledger and bank entries from a CSV file (RFC 4180, comma
separated, header row required, UTF-8). Columns, in this order:
  ${CSV_COLUMNS.join(',')}
or with separate debit and credit columns (amount = debit - credit):
  ${CSV_COLUMNS_DEBIT_CREDIT.join(',')}
  source        gl | subledger | bank
  entity        an entity of the books (books.yaml)
  account_code  an account of that entity (books.yaml)
  posting_date  YYYY-MM-DD, or the --date-format (the entity's local date)
  amount        1234.56, -1234.56, 1,234.56, (1,234.56); with --decimal-comma
                1.234,56; never more decimals than the currency has
  currency      ISO 4217 code, with a rate path to USD when foreign

  --on-duplicate skip|fail  rows repeating an entry's natural key (source, entity,
                            account, date, amount, currency, reference): refuse the
                            file (fail, default) or skip those rows (skip)
  --allow-duplicate-file    import a file whose exact content was imported before
  --decimal-comma           amounts written 1.234,56
  --date-format FMT         dates besides ISO, e.g. DD/MM/YYYY, MM/DD/YYYY, YYYYMMDD
  --json                    machine-readable output

A file with any bad row is rejected whole, listing every bad row (rows are
numbered with the header as row 1); nothing is imported. Rows into a closed
period hold the whole file in a T3 escalation: the policy's number of distinct
humans (t3_dual_approval.required_approvals, at least 2) other than you approve it with \`escalations approve ID\`. Acts as $CLOSEGATE_ACTOR_ID if
set, else engine:import.
Exit: 0 imported, 1 rejected file, 2 usage, 4 held for approval or denied by policy.`;

const OPTIONS = {
  ...DB_OPTION,
  policy: { type: 'string' },
  'on-duplicate': { type: 'string' },
  'allow-duplicate-file': { type: 'boolean' },
  'decimal-comma': { type: 'boolean' },
  'date-format': { type: 'string' },
} as const;

export const importCommand: Command = {
  name: 'import',
  summary: 'import entries from a CSV file (all rows or none; duplicates refused or skipped)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, OPTIONS, HELP, 1);
    if (values.help) return (io.out(HELP), EXIT_OK);
    const file = positionals[0];
    if (file === undefined) throw new UsageError('missing FILE.csv', HELP);
    const onDuplicate = values['on-duplicate'] ?? 'fail';
    if (onDuplicate !== 'skip' && onDuplicate !== 'fail')
      throw new UsageError('--on-duplicate must be skip or fail', HELP);
    const flags = values as Record<string, unknown>;
    const csv = fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
    const engine = openExisting(values.db, values.policy, io, HELP);
    return withEngine(engine, (e) => {
      try {
        const result = importEntriesCsv(e.context, {
          actor: io.env.CLOSEGATE_ACTOR_ID || 'engine:import',
          csv,
          fileName: path.basename(file),
          onDuplicate,
          allowDuplicateFile: flags['allow-duplicate-file'] === true,
          decimalComma: flags['decimal-comma'] === true,
          ...(values['date-format'] === undefined ? {} : { dateFormat: values['date-format'] }),
        });
        if (values.json) printJson(io, result);
        else if (result.status === 'imported') {
          const skipped = result.skipped.length;
          io.out(
            `imported ${result.imported} entries (audit seq ${result.auditSeq})${skipped > 0 ? `; skipped ${skipped} duplicate row(s): ${result.skipped.map((s) => `row ${s.row} = entry ${s.entryId}`).join(', ')}` : ''}`,
          );
        } else if (result.status === 'escalated') {
          const esc = e.queries.escalation(result.escalationId!);
          io.out(`import held for approval in escalation ${result.escalationId}: ${esc.requestRationale}`);
          io.out(`  ${describeDecision(result.decision)}`);
        } else io.out(`import blocked by policy: ${describeDecision(result.decision)}`);
        return result.status === 'imported' ? EXIT_OK : EXIT_DENIED;
      } catch (err) {
        if (err instanceof CsvImportError) {
          if (values.json) printJson(io, { ok: false, code: err.code, rowErrors: err.rowErrors });
          else io.err(listRowErrors(err));
          return EXIT_ERROR;
        }
        if (err instanceof DuplicateFileError) {
          if (values.json) printJson(io, { ok: false, code: err.code, message: err.message, ...err.details });
          else io.err(`error ${err.code}: ${err.message}`);
          return EXIT_ERROR;
        }
        throw err;
      }
    });
  },
};
