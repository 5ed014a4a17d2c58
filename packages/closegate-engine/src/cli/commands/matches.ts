import { matchContext } from '../../queries/desk-escalation.js';
import { parse, parseId, DB_OPTION } from '../args.js';
import { EXIT_OK, printJson, UsageError } from '../io.js';
import { printAudit, printFx, printSides } from '../review-view.js';
import { openExisting, withEngine } from '../shared.js';
import type { Command } from './types.js';

const HELP = `usage: closegate-engine matches show ID [--db PATH] [--policy FILE] [--json]

A match as a reviewer reads it: type, state, proposer and rationale, who decided it,
both sides' lines (date, reference, description, amount, currency), FX records,
variance in USD, its escalations and the audit events of the match.`;

export const matchesCommand: Command = {
  name: 'matches',
  summary: 'matches show ID: a match with both sides, FX, variance and audit events',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') return (io.out(HELP), EXIT_OK);
    if (sub !== 'show') throw new UsageError(`unknown subcommand: matches ${sub}`, HELP);
    const { values, positionals } = parse(rest, { ...DB_OPTION, policy: { type: 'string' } }, HELP, 1);
    if (values.help) return (io.out(HELP), EXIT_OK);
    const id = parseId(positionals[0], 'ID', HELP);
    return withEngine(openExisting(values.db, values.policy, io, HELP), (e) => {
      const ctx = matchContext(e.queries, e.context.store.db, id);
      if (values.json) return (printJson(io, ctx), EXIT_OK);
      const m = ctx.match;
      io.out(
        `match ${m.id}: ${m.type}, ${m.state}, USD ${m.amountUsd}, score ${m.score}${m.intercompany ? ', intercompany' : ''}`,
      );
      io.out(
        `  proposed by ${m.proposedBy} (${m.source}) at ${m.createdAt}${m.rationale ? ` -- "${m.rationale}"` : ''}`,
      );
      if (m.decidedBy !== null)
        io.out(`  decided by ${m.decidedBy}${m.decisionRationale ? ` -- "${m.decisionRationale}"` : ''}`);
      for (const x of m.escalations)
        io.out(
          `  escalation ${x.id}: ${x.state}, ${x.tier}, ${x.code} -- "${x.clauseText}" [${x.clausePointer}]`,
        );
      printSides(io, ctx.sides);
      printFx(io, m.fx, ctx.varianceUsd);
      printAudit(io, ctx.auditEvents);
      return EXIT_OK;
    });
  },
};
