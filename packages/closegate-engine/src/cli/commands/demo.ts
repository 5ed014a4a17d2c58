import fs from 'node:fs';
import { openEngine, type Engine } from '../../engine.js';
import { AUTOCONFIRM_ACTOR, type ReconPassResult } from '../../recon/types.js';
import { DEMO_MARKERS } from '../../seed/demoPack.js';
import { parse, DB_OPTION } from '../args.js';
import { EXIT_VERIFY_FAILED, EXIT_OK, printJson, type CliIo } from '../io.js';
import { alignedRows, withEngine } from '../shared.js';
import type { Command } from './types.js';
import { creatableDbPathOf, policyPathOf, withPolicyNamed } from '../settings.js';

const HELP = `usage: closegate-engine demo [--db PATH] [--policy FILE] [--json]

Creates and seeds the demo database if it does not exist, on the path a new
user takes: the demo books (three entities, accounts, fixed FX rates) applied
as \`books apply\` does, then ~150 demo lines. Runs a recon pass, prints what was auto-confirmed,
what was escalated to a human (with the policy clause) and what is left as an
exception, then verifies the audit chain.

  --db PATH       database file (default: $CLOSEGATE_DB, else ./.closegate/recon.db)
  --policy FILE   policy.yaml (default: $CLOSEGATE_POLICY, else the example policy)
  --json          machine-readable output
Exit: 0 ok, 1 error, 2 usage, 3 audit chain broken.`;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'seed the demo pack (if absent), run a recon pass, show the result, verify the audit chain',
  help: HELP,
  async run(argv, io) {
    const { values } = parse(argv, { ...DB_OPTION, policy: { type: 'string' } }, HELP);
    if (values.help) return (io.out(HELP), EXIT_OK);
    const dbPath = creatableDbPathOf(values.db, io);
    const existed = fs.existsSync(dbPath);
    const policyPath = policyPathOf(values.policy, io);
    const engine = withPolicyNamed(values.policy, io, () => openEngine({ dbPath, policyPath, env: io.env }));
    return withEngine(engine, (e) => {
      const seeded = e.isEmpty() ? (e.seedDemo().imported ?? 0) : 0;
      const pass = e.runReconPass();
      const report = buildReport(e, pass, { dbPath, existed, seeded });
      if (values.json) printJson(io, report);
      else printReport(io, report);
      return report.audit.ok ? EXIT_OK : EXIT_VERIFY_FAILED;
    });
  },
};

function buildReport(
  e: Engine,
  pass: ReconPassResult,
  db: { dbPath: string; existed: boolean; seeded: number },
) {
  const q = e.queries;
  const entry = (id: number) => e.context.store.entries.get(id)!;
  const describe = (entryIds: number[]) => {
    const first = entry(entryIds[0]!);
    return {
      entity: first.entity,
      accountCode: first.accountCode,
      amount: first.amount,
      currency: first.currency,
      reference: first.reference,
    };
  };
  const autoConfirmed = q
    .matchesInState('confirmed', { limit: 1000 })
    .filter((m) => m.decidedBy === AUTOCONFIRM_ACTOR)
    .map((m) => ({
      matchId: m.id,
      type: m.type,
      amountUsd: m.amountUsd,
      entryIds: m.entryIds,
      ...describe(m.entryIds),
    }));
  const escalated = q.pendingEscalations({ limit: 1000 }).map((x) => {
    const match = x.subjectKind === 'match' ? q.match(Number(x.subjectId)) : undefined;
    return {
      escalationId: x.id,
      subject: `${x.subjectKind} ${x.subjectId}`,
      type: match?.type,
      amountUsd: match?.amountUsd,
      ...(match ? describe(match.entryIds) : {}),
      code: x.code,
      clauseText: x.clauseText,
      clausePointer: x.clausePointer,
    };
  });
  const exceptions = q.exceptions({ limit: 1000 }).map((x) => ({
    entryId: x.entryId,
    reasonCode: x.reasonCode,
    detail: x.detail,
    source: x.entry.source,
    ...describe([x.entryId]),
  }));
  const injected = e.context.store.entries
    .inState('proposed')
    .concat(e.context.store.entries.inState('matched'), e.context.store.entries.inState('unmatched'))
    .find((x) => x.description.includes(DEMO_MARKERS.injectionMemo));
  const injectedMatch = injected ? e.context.store.matches.liveMatchOf(injected.id) : undefined;
  const verify = q.verifyAudit();
  return {
    database: { path: db.dbPath, created: !db.existed, seededLines: db.seeded },
    policy: { label: e.policy.label, version: e.policy.version },
    pass: {
      runId: pass.runId,
      state: pass.state,
      proposed: pass.proposed,
      autoConfirmed: pass.autoConfirmed.length,
      escalated: pass.escalated.length,
      exceptions: pass.exceptions.length,
      error: pass.error ?? null,
    },
    autoConfirmed,
    escalated,
    exceptions,
    promptInjection: injected
      ? {
          entryId: injected.id,
          matchId: injectedMatch ?? null,
          matchState: injectedMatch ? e.context.store.matches.get(injectedMatch)!.state : null,
        }
      : null,
    audit: verify.ok
      ? { ok: true as const, count: verify.count, head: verify.head }
      : { ok: false as const, brokenSeq: verify.brokenSeq, reason: verify.reason, message: verify.message },
  };
}

type Report = ReturnType<typeof buildReport>;

function printReport(io: CliIo, r: Report): void {
  const w = (s: string) => io.out(s);
  w(
    `closegate demo -- database ${r.database.path} (${r.database.created ? `created, seeded ${r.database.seededLines} lines` : 'existing, reused'})`,
  );
  w(`policy ${r.policy.label} (sha256 ${r.policy.version.slice(0, 16)}...)`);
  w('');
  w(
    `Recon pass #${r.pass.runId} ${r.pass.state}: ${r.pass.proposed} proposed, ${r.pass.autoConfirmed} auto-confirmed, ${r.pass.escalated} escalated, ${r.pass.exceptions} new exceptions${r.pass.error ? ` (error: ${r.pass.error})` : ''}`,
  );
  w('');
  w(`Auto-confirmed by ${AUTOCONFIRM_ACTOR} (${r.autoConfirmed.length}):`);
  const confirmedRows = r.autoConfirmed.map((m) => [
    `match ${m.matchId}`,
    m.type,
    m.entity,
    m.accountCode,
    m.amount,
    m.currency,
    m.reference,
  ]);
  for (const line of alignedRows(confirmedRows, [false, false, false, false, true])) w(`  ${line}`);
  w('');
  w(`Escalated to a human (${r.escalated.length}):`);
  const escalatedRows = r.escalated.map((x) => [
    `escalation ${x.escalationId}`,
    x.subject,
    x.type ?? '',
    x.entity ?? '',
    x.accountCode ?? '',
    x.amount ?? '',
    x.currency ?? '',
    x.reference ?? '',
  ]);
  alignedRows(escalatedRows, [false, false, false, false, false, true]).forEach((line, i) => {
    const x = r.escalated[i]!;
    w(`  ${line}`);
    w(`      ${x.code}: "${x.clauseText}" [${x.clausePointer}]`);
  });
  w('');
  w(`Exceptions (${r.exceptions.length}):`);
  const exceptionRows = r.exceptions.map((x) => [
    `entry ${x.entryId}`,
    x.entity,
    x.accountCode,
    x.source,
    x.amount,
    x.currency,
    x.reference,
    `${x.reasonCode}: ${x.detail}`,
  ]);
  for (const line of alignedRows(exceptionRows, [false, false, false, false, true])) w(`  ${line}`);
  if (r.promptInjection) {
    w('');
    w(
      `Prompt injection in the memo of entry ${r.promptInjection.entryId} ("${DEMO_MARKERS.injectionMemo}") changed nothing: the gate reads no memo; its match ${r.promptInjection.matchId ?? '-'} is ${r.promptInjection.matchState ?? 'not proposed'}.`,
    );
  }
  w('');
  if (r.audit.ok)
    w(
      `Audit chain intact: ${r.audit.count} events, head ${r.audit.head ? `${r.audit.head.seq}:${r.audit.head.hash}` : '(empty)'}`,
    );
  else w(`AUDIT CHAIN BROKEN at seq ${r.audit.brokenSeq} (${r.audit.reason}): ${r.audit.message}`);
  // Every "Next:" line must work when pasted at the repository root (tools/readme-quickstart.test.ts runs them).
  const db = shellWord(r.database.path);
  w(`Next: npx closegate-engine escalations list --db ${db}`);
  w(`Next: npx closegate-engine recon summary --db ${db}`);
  w(`Next: npx closegate-engine audit verify --db ${db}`);
}

/** A path as one shell word: quoted only when it holds characters the shell would act on. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
