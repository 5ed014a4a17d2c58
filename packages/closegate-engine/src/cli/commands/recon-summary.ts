import { statusByPeriod } from '../../queries/desk-lists.js';
import { summaryByEntity } from '../../queries/recon-summary.js';
import { parse, DB_OPTION } from '../args.js';
import { totals } from '../format.js';
import { EXIT_OK, printJson, UsageError, type CliIo } from '../io.js';
import { alignedRows, openExisting, withEngine } from '../shared.js';

/** `recon summary`: per entity, lines matched / escalated / exceptions (and the rest), counts and amounts. */
export function reconSummary(argv: string[], io: CliIo, help: string): Promise<number> {
  const options = {
    ...DB_OPTION,
    policy: { type: 'string' },
    entity: { type: 'string' },
    period: { type: 'string' },
  } as const;
  const { values } = parse(argv, options, help);
  if (values.help) return Promise.resolve((io.out(help), EXIT_OK));
  if (values.period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.period))
    throw new UsageError(`--period ${values.period}: expected YYYY-MM`, help);
  return withEngine(openExisting(values.db, values.policy, io, help), (e) => {
    const store = e.context.store;
    const entities = summaryByEntity(statusByPeriod(store, e.context.now(), values.entity, values.period));
    const status = e.queries.status();
    const result = {
      entities,
      openEscalations: status.openEscalations,
      openExceptions: status.openExceptions,
      lastRun: status.lastRun,
    };
    if (values.json) return (printJson(io, result), EXIT_OK);
    if (entities.length === 0) io.out('no lines');
    else {
      const header = [
        'ENTITY',
        'MATCHED',
        'AMOUNT',
        'ESCALATED',
        'AMOUNT',
        'EXCEPTIONS',
        'AMOUNT',
        'OPEN',
        'AMOUNT',
      ];
      const cells = entities.map((s) => {
        // open: proposed (awaiting the engine) and unmatched lines, neither escalated nor exceptions
        const open = { count: s.proposed.count + s.unmatched.count };
        return [
          s.entity,
          String(s.matched.count),
          totals(s.matched.totals),
          String(s.escalated.count),
          totals(s.escalated.totals),
          String(s.exceptions.count),
          totals(s.exceptions.totals),
          String(open.count),
          [s.proposed.totals, s.unmatched.totals].every((t) => Object.keys(t).length === 0)
            ? '0'
            : [totals(s.proposed.totals), totals(s.unmatched.totals)].filter((t) => t !== '0').join(' + '),
        ];
      });
      for (const line of alignedRows(
        [header, ...cells],
        [false, true, true, true, true, true, true, true, true],
      ))
        io.out(line);
      io.out("Counts are ledger lines (both sides of a match); amounts are the lines' sums per currency.");
    }
    io.out(`open escalations: ${status.openEscalations}, open exceptions: ${status.openExceptions}`);
    return EXIT_OK;
  });
}
