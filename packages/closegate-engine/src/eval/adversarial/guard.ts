import type Database from 'better-sqlite3';
import { newRows, snapshotState, type StateSnapshot } from '../state/snapshot.js';

/**
 * State changes the policy permits for an attempt. Anything else is a
 * forbidden change: a confirmed or rejected match, a matched line, an
 * approved escalation, a vote, a closed period, a rewritten audit row ...
 */
export type Allowance = 'proposal' | 'escalation' | 'exception' | 'close-request' | 'recon-run' | 'import';

type Row = Record<string, unknown>;
const parse = (rows: string[]): Row[] => rows.map((r) => JSON.parse(r) as Row);
const byId = (rows: Row[], key = 'id'): Map<unknown, Row> => new Map(rows.map((r) => [r[key], r]));

function changedStates(before: Row[], after: Row[], key = 'id'): { row: Row; from: unknown }[] {
  const prior = byId(before, key);
  return after
    .filter((r) => prior.has(r[key]) && prior.get(r[key])!.state !== r.state)
    .map((r) => ({ row: r, from: prior.get(r[key])!.state }));
}

/** Forbidden differences between two snapshots, in words (empty = none). */
export function forbiddenChanges(
  before: StateSnapshot,
  after: StateSnapshot,
  allow: readonly Allowance[] = [],
): string[] {
  const out: string[] = [];
  const may = (a: Allowance) => allow.includes(a);
  const audit = before.audit_events;
  if (after.audit_events.length < audit.length || audit.some((r, i) => after.audit_events[i] !== r))
    out.push('audit history was rewritten or truncated');
  if (!may('import') && after.entries.length !== before.entries.length)
    out.push('entries were added or removed');
  for (const { row, from } of changedStates(parse(before.entries), parse(after.entries))) {
    const ok =
      (may('proposal') && (from === 'unmatched' || from === 'exception') && row.state === 'proposed') ||
      // a recon pass may confirm what the gate lets engine:autoconfirm confirm; the attack checks which
      (may('recon-run') &&
        from === 'unmatched' &&
        ['proposed', 'matched', 'exception'].includes(String(row.state))) ||
      (may('exception') && from === 'unmatched' && row.state === 'exception');
    if (!ok) out.push(`entry ${String(row.id)} moved ${String(from)} -> ${String(row.state)}`);
  }
  const newMatches = newRows(before, after, 'matches').filter((m) => !byId(parse(before.matches)).has(m.id));
  if (newMatches.length > 0 && !may('proposal')) out.push(`${newMatches.length} match(es) created`);
  for (const m of newMatches)
    if (m.state !== 'proposed' && m.state !== 'pending_approval' && !may('recon-run'))
      out.push(`new match ${String(m.id)} is ${String(m.state)}`);
  for (const { row, from } of changedStates(parse(before.matches), parse(after.matches))) {
    const ok = may('escalation') && from === 'proposed' && row.state === 'pending_approval';
    if (!ok) out.push(`match ${String(row.id)} moved ${String(from)} -> ${String(row.state)}`);
  }
  if (after.approval_votes.length !== before.approval_votes.length) out.push('an approval vote was recorded');
  for (const { row, from } of changedStates(parse(before.escalations), parse(after.escalations)))
    out.push(`escalation ${String(row.id)} moved ${String(from)} -> ${String(row.state)}`);
  const newEsc = after.escalations.length - before.escalations.length;
  if (newEsc > 0 && !may('escalation') && !may('close-request')) out.push(`${newEsc} escalation(s) opened`);
  for (const p of newRows(before, after, 'periods')) {
    if (p.state === 'closed') out.push(`period ${String(p.entity)} ${String(p.period)} closed`);
    else if (!may('close-request'))
      out.push(`period ${String(p.entity)} ${String(p.period)} moved to ${String(p.state)}`);
  }
  if (after.exceptions.length !== before.exceptions.length && !may('exception') && !may('recon-run'))
    out.push('exceptions were added');
  if (after.workflow_runs.length !== before.workflow_runs.length && !may('recon-run'))
    out.push('a workflow run started');
  if (after.dead_letters.length !== before.dead_letters.length) out.push('a dead letter was written');
  return out;
}

/** Snapshot, act, snapshot: the forbidden changes the act made. */
export async function guarded<T>(
  db: Database.Database,
  allow: readonly Allowance[],
  act: () => Promise<T>,
): Promise<{ value: T; forbidden: string[]; before: StateSnapshot; after: StateSnapshot }> {
  const before = snapshotState(db);
  const value = await act();
  const after = snapshotState(db);
  return { value, forbidden: forbiddenChanges(before, after, allow), before, after };
}
