import { randomUUID } from 'node:crypto';
import { parse, parseId, DB_OPTION } from '../args.js';
import { EXIT_DENIED, EXIT_OK, EXIT_USAGE, printJson, UsageError, type CliIo } from '../io.js';
import {
  assertCliIdentity,
  cliOrigin,
  describeDecision,
  humanActor,
  openExisting,
  withEngine,
} from '../shared.js';
import type { Command } from './types.js';

const HELP = `usage: closegate-engine escalations <list|approve|reject> [options]

  escalations list [--db PATH] [--json]
  escalations approve ID [--rationale TEXT] [--idempotency-key K] [--db PATH] [--json]
  escalations reject ID --rationale TEXT [--idempotency-key K] [--db PATH] [--json]

Acts as $CLOSEGATE_ACTOR_ID, which must be human:<id>; the OS user and host running
the command are recorded next to it in the audit event. The CLI trusts the local OS
account: it does not authenticate the person (policy cli_identity can bind actor ids to
OS users; two T3 approvals from one OS account are refused unless the policy allows
shared workstations). Approving performs the
escalated action as you, checked by the policy gate again (you may not approve
your own proposal; above materiality a rationale is required; closing a period
needs two distinct humans other than the requester). Exit: 0 done, 3 denied
by policy, 1 usage or other error.`;

const OPTIONS = {
  ...DB_OPTION,
  policy: { type: 'string' },
  rationale: { type: 'string' },
  'idempotency-key': { type: 'string' },
} as const;

export const escalationsCommand: Command = {
  name: 'escalations',
  summary: 'escalations list | approve ID | reject ID --rationale TEXT (as a human)',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h')
      return (io.out(HELP), sub === undefined ? EXIT_USAGE : EXIT_OK);
    if (sub === 'list') return list(rest, io);
    if (sub === 'approve' || sub === 'reject') return resolve(sub, rest, io);
    throw new UsageError(`unknown subcommand: escalations ${sub}`, HELP);
  },
};

function list(argv: string[], io: CliIo): Promise<number> {
  const { values } = parse(argv, { ...DB_OPTION, policy: { type: 'string' } }, HELP);
  if (values.help) return Promise.resolve((io.out(HELP), EXIT_OK));
  return withEngine(openExisting(values.db, values.policy, io, HELP), (e) => {
    const open = e.queries.pendingEscalations({ limit: 1000 });
    if (values.json) printJson(io, open);
    else {
      if (open.length === 0) io.out('no pending escalations');
      for (const x of open) {
        const votes =
          x.votes.length > 0 ? `  votes: ${x.votes.map((v) => `${v.actor}=${v.vote}`).join(', ')}` : '';
        io.out(
          `${x.id}  ${x.action} ${x.subjectKind} ${x.subjectId}  requested by ${x.requestedBy}  ${x.code} (${x.tier})${votes}`,
        );
        if (x.clauseText) io.out(`    "${x.clauseText}" [${x.clausePointer}]`);
      }
    }
    return EXIT_OK;
  });
}

function resolve(decision: 'approve' | 'reject', argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, HELP, 1);
  if (values.help) return Promise.resolve((io.out(HELP), EXIT_OK));
  const escalationId = parseId(positionals[0], 'ID', HELP);
  if (decision === 'reject' && (values.rationale === undefined || values.rationale.trim() === '')) {
    throw new UsageError('reject needs --rationale TEXT', HELP);
  }
  const actor = humanActor(io, HELP);
  const idempotencyKey = values['idempotency-key'] ?? `cli:${randomUUID()}`;
  const origin = cliOrigin(io);
  return withEngine(openExisting(values.db, values.policy, io, HELP), (e) => {
    assertCliIdentity(e.policy, actor, origin, HELP);
    const input = {
      actor,
      idempotencyKey,
      escalationId,
      decision,
      origin,
      ...(values.rationale !== undefined ? { rationale: values.rationale } : {}),
    };
    const result = e.operations.resolveEscalation(input);
    if (values.json) printJson(io, result);
    else
      io.out(
        `escalation ${escalationId}: ${result.status}${result.matchId ? ` (match ${result.matchId})` : ''} -- ${describeDecision(result.decision)}`,
      );
    return result.outcome === 'deny' ? EXIT_DENIED : EXIT_OK;
  });
}
