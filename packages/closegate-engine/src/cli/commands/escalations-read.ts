import { parseActor } from 'closegate-policy';
import { cannotDecideReason, escalationContext } from '../../queries/desk-escalation.js';
import { escalationList } from '../../queries/desk-lists.js';
import { parse, parseId, DB_OPTION } from '../args.js';
import { cappedNote, parseLimit } from '../format.js';
import { EXIT_OK, printJson, UsageError, type CliIo } from '../io.js';
import { printAudit, printFx, printSides } from '../review-view.js';
import { alignedRows, openExisting, withEngine } from '../shared.js';

/** `escalations list` and `escalations show ID`: the reviewer's reads (no actor needed). */

const LIST_OPTIONS = {
  ...DB_OPTION,
  policy: { type: 'string' },
  entity: { type: 'string' },
  account: { type: 'string' },
  tier: { type: 'string' },
  clause: { type: 'string' },
  limit: { type: 'string' },
} as const;

export function listEscalations(argv: string[], io: CliIo, help: string): Promise<number> {
  const { values } = parse(argv, LIST_OPTIONS, help);
  if (values.help) return Promise.resolve((io.out(help), EXIT_OK));
  const limit = parseLimit(values.limit, help);
  if (values.tier !== undefined && values.tier !== 'T2' && values.tier !== 'T3')
    throw new UsageError(`--tier ${values.tier}: must be T2 or T3`, help);
  return withEngine(openExisting(values.db, values.policy, io, help), (e) => {
    const { rows, total } = escalationList(e.context.store.db, e.context.now(), {
      entity: values.entity,
      account: values.account,
      tier: values.tier,
      clause: values.clause,
      offset: 0,
      limit,
    });
    if (values.json) return (printJson(io, { rows, total, limit }), EXIT_OK);
    if (rows.length === 0) io.out('no open escalations');
    else {
      const header = [
        'ID',
        'AGE',
        'ENTITY',
        'ACCOUNT',
        'COUNTERPARTY',
        'LOCAL',
        'CCY',
        'USD',
        'TIER',
        'CLAUSE',
      ];
      const cells = rows.map((r) => [
        String(r.id),
        `${r.ageDays}d`,
        r.entity ?? '-',
        r.account ?? '-',
        r.counterparty || '-',
        r.localAmount ?? '-',
        r.localCurrency ?? '',
        r.amountUsd ?? '-',
        r.tier,
        r.subjectKind === 'period' ? `${r.clauseCode} (period ${r.subjectId})` : r.clauseCode,
      ]);
      const right = [true, true, false, false, false, true, false, true];
      for (const line of alignedRows([header, ...cells], right)) io.out(line);
    }
    const note = cappedNote(rows.length, total);
    if (note !== null) io.out(note);
    return EXIT_OK;
  });
}

/** The caller from CLOSEGATE_ACTOR_ID, when set and valid: shows whether they may decide. */
function viewer(io: CliIo) {
  const raw = io.env.CLOSEGATE_ACTOR_ID;
  if (raw === undefined || raw === '') return null;
  try {
    return parseActor(raw);
  } catch {
    return null;
  }
}

export function showEscalation(argv: string[], io: CliIo, help: string): Promise<number> {
  const { values, positionals } = parse(argv, { ...DB_OPTION, policy: { type: 'string' } }, help, 1);
  if (values.help) return Promise.resolve((io.out(help), EXIT_OK));
  const id = parseId(positionals[0], 'ID', help);
  return withEngine(openExisting(values.db, values.policy, io, help), (e) => {
    const ctx = escalationContext(e.queries, e.context.store.db, id, e.context.policy);
    const actor = viewer(io);
    const reason = actor === null ? null : cannotDecideReason(ctx.escalation, ctx.proposer, actor);
    const decide =
      actor === null ? {} : { actor: actor.raw, canDecide: reason === null, cannotDecideReason: reason };
    if (values.json) return (printJson(io, { ...ctx, ...decide }), EXIT_OK);
    const x = ctx.escalation;
    io.out(`escalation ${x.id}: ${x.state}, ${x.tier}, ${x.code}`);
    io.out(`  ${x.action} ${x.subjectKind} ${x.subjectId}, requested by ${x.requestedBy} at ${x.createdAt}`);
    io.out(`  clause: "${x.clauseText}" [${x.clausePointer}] (policy ${x.policyVersion})`);
    io.out(`  proposer: ${ctx.proposer}${ctx.proposerRationale ? ` -- "${ctx.proposerRationale}"` : ''}`);
    const votes = x.votes.map((v) => `${v.actor} ${v.vote}${v.rationale ? ` ("${v.rationale}")` : ''}`);
    io.out(
      `  votes: ${x.votes.length} of ${ctx.votesRequired} needed${votes.length ? `: ${votes.join('; ')}` : ''}`,
    );
    if (x.resolvedBy !== null)
      io.out(
        `  resolved by ${x.resolvedBy} at ${x.resolvedAt}${x.resolutionRationale ? ` -- "${x.resolutionRationale}"` : ''}`,
      );
    if (ctx.match !== null && ctx.sides !== null) {
      const m = ctx.match;
      io.out(
        `match ${m.id}: ${m.type}, ${m.state}, USD ${m.amountUsd}, score ${m.score}${m.intercompany ? ', intercompany' : ''}`,
      );
      printSides(io, ctx.sides);
      printFx(io, m.fx, ctx.varianceUsd);
    }
    printAudit(io, ctx.auditEvents);
    if (actor !== null)
      io.out(
        reason === null
          ? `${actor.raw} may decide this escalation`
          : `${actor.raw} cannot decide this escalation: ${reason}`,
      );
    return EXIT_OK;
  });
}
