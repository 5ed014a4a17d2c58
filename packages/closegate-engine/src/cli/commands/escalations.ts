import { randomUUID } from 'node:crypto';
import { parse, parseId, DB_OPTION } from '../args.js';
import { EXIT_DENIED, EXIT_OK, printJson, UsageError, type CliIo } from '../io.js';
import {
  assertCliIdentity,
  cliOrigin,
  describeDecision,
  humanActor,
  openExisting,
  withEngine,
} from '../shared.js';
import { listEscalations, showEscalation } from './escalations-read.js';
import type { Command } from './types.js';

const HELP = `usage: closegate-engine escalations <list|show|approve|reject> [options]

  escalations list [--entity E] [--account A] [--tier T2|T3] [--clause CODE] [--limit N] [--db PATH] [--json]
      Open escalations, oldest first: age, entity, account, counterparty, local and
      USD amount, tier and clause code. At most --limit rows (default 50, max 1000);
      says so when there are more.
  escalations show ID [--db PATH] [--json]
      Both sides' lines (date, reference, description, amount, currency), FX records,
      variance, the verbatim clause with its pointer and policy version, proposer and
      rationale, votes, and the audit events of the match.
  escalations approve ID [--rationale TEXT] [--idempotency-key K] [--db PATH] [--json]
  escalations reject ID --rationale TEXT [--idempotency-key K] [--db PATH] [--json]

approve and reject act as $CLOSEGATE_ACTOR_ID, which must be human:<id>; the OS user and
host running the command are recorded next to it in the audit event. The CLI trusts the
local OS account: it does not authenticate the person (policy cli_identity can bind actor
ids to OS users; two T3 approvals from one OS account are refused unless the policy allows
shared workstations). Approving performs the
escalated action as you, checked by the policy gate again (you may not approve
your own proposal; above materiality a rationale is required; closing a period
needs the policy's t3_dual_approval.required_approvals distinct humans, at least
2, other than the requester). Exit: 0 done, 4 denied
by policy, 1 error, 2 usage.`;

const OPTIONS = {
  ...DB_OPTION,
  policy: { type: 'string' },
  rationale: { type: 'string' },
  'idempotency-key': { type: 'string' },
} as const;

export const escalationsCommand: Command = {
  name: 'escalations',
  summary: 'escalations list | show ID | approve ID | reject ID --rationale TEXT (as a human)',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') return (io.out(HELP), EXIT_OK);
    if (sub === 'list') return listEscalations(rest, io, HELP);
    if (sub === 'show') return showEscalation(rest, io, HELP);
    if (sub === 'approve' || sub === 'reject') return resolve(sub, rest, io);
    throw new UsageError(`unknown subcommand: escalations ${sub}`, HELP);
  },
};

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
