import { exceptionList } from '../../queries/desk-lists.js';
import { parse, DB_OPTION } from '../args.js';
import { cappedNote, parseLimit } from '../format.js';
import { EXIT_OK, printJson, UsageError } from '../io.js';
import { alignedRows, openExisting, withEngine } from '../shared.js';
import type { Command } from './types.js';

const HELP = `usage: closegate-engine exceptions list [--entity E] [--account A] [--reason CODE] [--limit N] [--db PATH] [--json]

Open exceptions with their line and reason (NO_CANDIDATE, AMOUNT_MISMATCH, ...):
entity, account, source, date, amount, currency, reference and age. At most
--limit rows (default 50, max 1000); says so when there are more.`;

const OPTIONS = {
  ...DB_OPTION,
  policy: { type: 'string' },
  entity: { type: 'string' },
  account: { type: 'string' },
  reason: { type: 'string' },
  limit: { type: 'string' },
} as const;

export const exceptionsCommand: Command = {
  name: 'exceptions',
  summary: 'exceptions list: open exceptions with their line and reason',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') return (io.out(HELP), EXIT_OK);
    if (sub !== 'list') throw new UsageError(`unknown subcommand: exceptions ${sub}`, HELP);
    const { values } = parse(rest, OPTIONS, HELP);
    if (values.help) return (io.out(HELP), EXIT_OK);
    const limit = parseLimit(values.limit, HELP);
    return withEngine(openExisting(values.db, values.policy, io, HELP), (e) => {
      const filter = {
        entity: values.entity,
        account: values.account,
        reason: values.reason,
        offset: 0,
        limit,
      };
      const { rows, total } = exceptionList(e.context.store, e.context.now(), filter);
      if (values.json) return (printJson(io, { rows, total, limit }), EXIT_OK);
      if (rows.length === 0) io.out('no open exceptions');
      else {
        const header = [
          'ID',
          'ENTRY',
          'AGE',
          'ENTITY',
          'ACCOUNT',
          'SOURCE',
          'DATE',
          'AMOUNT',
          'CCY',
          'REFERENCE',
          'REASON',
        ];
        const cells = rows.map((x) => [
          String(x.id),
          String(x.entryId),
          `${x.ageDays}d`,
          x.entry.entity,
          x.entry.accountCode,
          x.entry.source,
          x.entry.postingDate,
          x.entry.amount,
          x.entry.currency,
          x.entry.reference || '-',
          `${x.reasonCode}: ${x.detail}`,
        ]);
        const right = [true, true, true, false, false, false, false, true];
        for (const line of alignedRows([header, ...cells], right)) io.out(line);
      }
      const note = cappedNote(rows.length, total);
      if (note !== null) io.out(note);
      return EXIT_OK;
    });
  },
};
