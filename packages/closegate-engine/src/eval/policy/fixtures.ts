import { applyBooks } from '../../books/apply.js';
import { validateBooks } from '../../books/load.js';
import type { Engine } from '../../engine.js';
import type { OperationResult } from '../../operations/context.js';
import { demoBooksInput } from '../../seed/demoBooks.js';

let counter = 0;
/** A fresh idempotency key. */
export function k(prefix = 'eval'): string {
  return `${prefix}-${++counter}`;
}

/** Ids of the open lines carrying one of these references (demo pack or imported). */
export function refs(e: Engine, ...references: string[]): number[] {
  const ids = e.context.store.db
    .prepare(
      `SELECT id FROM entries WHERE reference IN (${references.map(() => '?').join(',')}) AND state IN ('unmatched', 'exception') ORDER BY id`,
    )
    .all(...references) as { id: number }[];
  if (ids.length < 2)
    throw new Error(`scenario fixture: fewer than two open lines for ${references.join(', ')}`);
  return ids.map((r) => r.id);
}

function must(r: OperationResult, status: string, what: string): OperationResult {
  if (r.status !== status) throw new Error(`scenario setup: ${what} gave ${r.status}, expected ${status}`);
  return r;
}

/** `actor` proposes the lines with these references; returns the match id. */
export function proposeRefs(e: Engine, actor: string, references: string[], sessionId?: string): number {
  const input = { actor, idempotencyKey: k(), entryIds: refs(e, ...references) };
  const r = e.operations.propose(sessionId === undefined ? input : { ...input, sessionId });
  return must(r, 'proposed', `propose ${references.join('+')}`).matchId!;
}

/** Proposes, then a machine confirm escalates it: returns { matchId, escalationId }. */
export function escalated(
  e: Engine,
  proposer: string,
  references: string[],
): { matchId: number; escalationId: number } {
  const matchId = proposeRefs(e, proposer, references);
  const r = must(
    e.operations.confirm({ actor: 'engine:autoconfirm', idempotencyKey: k(), matchId }),
    'escalated',
    'machine confirm',
  );
  return { matchId, escalationId: r.escalationId! };
}

/**
 * Sets up, through `books apply`, the accounts the rows book to that the
 * demo books lack (e.g. 1031-EU, 3100): an import refuses unknown accounts.
 */
function ensureAccounts(e: Engine, rows: string[]): void {
  const books = demoBooksInput();
  const known = new Set(e.context.store.entities.accounts().map((a) => `${a.entity}|${a.code}`));
  const extra = [...new Set(rows.map((r) => r.split(',').slice(1, 3).join('|')))].filter(
    (x) => !known.has(x),
  );
  if (extra.length === 0) return;
  const accounts = [...(books.accounts ?? [])];
  for (const x of extra) {
    const [entity, code] = x.split('|') as [string, string];
    accounts.push({ entity, code, name: `Eval account ${code}`, type: 'asset' });
  }
  applyBooks(e.context, 'human:controller', validateBooks({ ...books, accounts }));
}

/** Imports CSV rows (header added) as a human controller. */
export function importRows(e: Engine, rows: string[]): void {
  ensureAccounts(e, rows);
  const header = 'source,entity,account_code,posting_date,amount,currency,reference,description,counterparty';
  must(
    e.operations.importCsv({ actor: 'human:controller', csv: `${header}\n${rows.join('\n')}\n` }),
    'imported',
    'import',
  );
}

/** An exact GL/bank pair as two CSV rows. */
export function pairRows(
  entity: string,
  account: string,
  date: string,
  amount: string,
  currency: string,
  ref: string,
): string[] {
  return [
    `gl,${entity},${account},${date},${amount},${currency},${ref},Eval ${ref},Eval Co`,
    `bank,${entity},${account},${date},${amount},${currency},${ref},Eval ${ref},Eval Co`,
  ];
}

/** Requests a period close as `requester`; returns the escalation id. */
export function requestClose(e: Engine, requester: string, entity = 'US01', period = '2026-03'): number {
  const r = must(
    e.operations.closePeriod({ actor: requester, idempotencyKey: k(), entity, period }),
    'close_requested',
    'close period',
  );
  return r.escalationId!;
}

/** Closes a period with two distinct human approvals. */
export function closeFully(e: Engine, entity = 'US01', period = '2026-03'): void {
  const esc = requestClose(e, 'human:carol', entity, period);
  must(
    e.operations.resolveEscalation({
      actor: 'human:dave',
      idempotencyKey: k(),
      escalationId: esc,
      decision: 'approve',
      rationale: 'first approval of the close',
    }),
    'vote_recorded',
    'first approval',
  );
  must(
    e.operations.resolveEscalation({
      actor: 'human:erin',
      idempotencyKey: k(),
      escalationId: esc,
      decision: 'approve',
      rationale: 'second approval of the close',
    }),
    'closed',
    'second approval',
  );
}
