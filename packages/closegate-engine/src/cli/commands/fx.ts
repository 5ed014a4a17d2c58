import fs from 'node:fs';
import path from 'node:path';
import { importFxRates, fxView } from '../../books/fx.js';
import { BooksError } from '../../books/errors.js';
import { CsvImportError } from '../../errors.js';
import { FX_CSV_COLUMNS, MAX_RATE_DECIMALS } from '../../import/fxCsv.js';
import { parse, DB_OPTION } from '../args.js';
import { EXIT_OK, EXIT_ERROR, printJson, UsageError, type CliIo } from '../io.js';
import { listRowErrors } from '../rowErrors.js';
import { alignedRows, openExisting, withEngine } from '../shared.js';
import type { Command } from './types.js';

const HELP = `usage: closegate-engine fx <import|show> [options]

  fx import FILE.csv [--db PATH] [--date-format FMT] [--json]
      daily rates, header: ${FX_CSV_COLUMNS.join(',')}
      e.g. 2026-03-02,JPY,USD,0.006712,ECB reference rate
      1 base = rate quote. Rates are plain decimal strings above zero with at
      most ${MAX_RATE_DECIMALS} decimals: an exponent, a float printed in full, zero or a
      negative rate rejects the whole file, listing every bad row. A stored
      rate is never overwritten (the same value again is skipped).
  fx show [--db PATH] [--pair BASE/QUOTE] [--json]
      staleness window and coverage per pair (first, last date, count);
      with --pair, the pair's daily rates.

A line's rate is the rate of its date, or the latest before it within
books.yaml fx.max_staleness_days; otherwise the line becomes an exception
FX_RATE_MISSING. Acts as $CLOSEGATE_ACTOR_ID if set (an llm actor is
refused), else engine:fx.
Exit: 0 ok, 1 rejected file, 2 usage.`;

const OPTIONS = {
  ...DB_OPTION,
  policy: { type: 'string' },
  'date-format': { type: 'string' },
  pair: { type: 'string' },
} as const;

export const fxCommand: Command = {
  name: 'fx',
  summary: 'fx import FILE.csv | show: daily FX rates (decimal strings)',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') return (io.out(HELP), EXIT_OK);
    if (sub === 'import') return importRates(rest, io);
    if (sub === 'show') return show(rest, io);
    throw new UsageError(`unknown subcommand: fx ${sub}`, HELP);
  },
};

function importRates(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, HELP, 1);
  if (values.help) return Promise.resolve((io.out(HELP), EXIT_OK));
  const file = positionals[0];
  if (file === undefined) throw new UsageError('missing FILE.csv', HELP);
  const csv = fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
  return withEngine(openExisting(values.db, values.policy, io, HELP), (e) => {
    try {
      const r = importFxRates(e.context, {
        actor: io.env.CLOSEGATE_ACTOR_ID || 'engine:fx',
        csv,
        fileName: path.basename(file),
        ...(values['date-format'] === undefined ? {} : { dateFormat: values['date-format'] }),
      });
      if (values.json) printJson(io, { ok: true, ...r });
      else
        io.out(
          r.status === 'imported'
            ? `imported ${r.imported} rate(s) for ${r.pairs.join(', ')} (audit seq ${r.auditSeq})${r.unchanged > 0 ? `; ${r.unchanged} already stored` : ''}`
            : `no new rates (${r.unchanged} already stored)`,
        );
      return EXIT_OK;
    } catch (err) {
      if (err instanceof CsvImportError) {
        if (values.json) printJson(io, { ok: false, code: err.code, rowErrors: err.rowErrors });
        else io.err(listRowErrors(err));
        return EXIT_ERROR;
      }
      if (err instanceof BooksError) {
        if (values.json) printJson(io, { ok: false, code: err.code, issues: err.issues });
        else io.err(`error ${err.code}: ${err.message}`);
        return EXIT_ERROR;
      }
      throw err;
    }
  });
}

function show(argv: string[], io: CliIo): Promise<number> {
  const { values } = parse(argv, OPTIONS, HELP);
  if (values.help) return Promise.resolve((io.out(HELP), EXIT_OK));
  const pair = values.pair;
  if (pair !== undefined && !/^[A-Z]{3}\/[A-Z]{3}$/.test(pair))
    throw new UsageError('--pair must be BASE/QUOTE, e.g. JPY/USD', HELP);
  return withEngine(openExisting(values.db, values.policy, io, HELP), (e) => {
    const view = fxView(e.context);
    const rates =
      pair === undefined ? undefined : e.context.store.config.ratesOf(pair.slice(0, 3), pair.slice(4));
    if (values.json) printJson(io, { ...view, ...(rates === undefined ? {} : { pair, rates }) });
    else {
      io.out(
        `staleness window: ${view.maxStalenessDays === null ? 'none (database set up before books.yaml)' : `${view.maxStalenessDays} days`}`,
      );
      if (view.coverage.length === 0) io.out('no rates');
      for (const line of alignedRows(
        view.coverage.map((c) => [`${c.base}/${c.quote}`, c.first, c.last, `${c.count} rate(s)`]),
      ))
        io.out(`  ${line}`);
      if (rates !== undefined) {
        io.out(`${pair}:`);
        for (const line of alignedRows(
          rates.map((r) => [r.asOf, r.rate, r.source]),
          [false, true],
        ))
          io.out(`  ${line}`);
      }
    }
    return EXIT_OK;
  });
}
