import { parseActor, type Actor } from 'closegate-policy';
import { InvalidInputError } from '../errors.js';
import type { EngineContext } from '../operations/context.js';
import { audit } from '../operations/gate.js';
import { BooksError } from './errors.js';
import { checkMaterialityAgainstPolicy, type LoadedBooks } from './load.js';
import { planBooks, type BooksChange, type BooksPlan } from './plan.js';

export interface BooksApplyResult {
  operation: 'books_apply';
  status: 'applied' | 'unchanged';
  /** SHA-256 of the books document's canonical JSON. */
  version: string;
  changes: BooksChange[];
  /** Seq of the BOOKS_APPLIED audit event; absent when nothing changed. */
  auditSeq?: number;
}

/**
 * Who may change the books. Entities, accounts, their sensitivity and the
 * matching rules decide what the engine auto-confirms, so an LLM actor
 * never changes them; a human (CLOSEGATE_ACTOR_ID) or an engine actor of
 * the set-up tooling may.
 */
function booksGate(actor: Actor): void {
  if (actor.kind === 'llm')
    throw new BooksError('BOOKS_ACTOR_REFUSED', [
      { path: '', message: `${actor.raw}: an llm actor may not change the books set-up` },
    ]);
}

function actorOf(raw: string): Actor {
  try {
    return parseActor(raw);
  } catch (err) {
    throw new InvalidInputError(`books apply: ${(err as Error).message}`, { path: 'actor' });
  }
}

/**
 * `books apply`: makes the store match the books document, idempotently, in
 * one IMMEDIATE transaction with one BOOKS_APPLIED audit event listing the
 * changes (none and no event when the store already matches). A refused
 * change (an account with entries removed, ...) changes nothing.
 */
export function applyBooks(ctx: EngineContext, actorRaw: string, books: LoadedBooks): BooksApplyResult {
  const actor = actorOf(actorRaw);
  booksGate(actor);
  return ctx.store.tx(() => applyBooksInTransaction(ctx, actor, books, ctx.now().toISOString()));
}

/** {@link applyBooks} inside the caller's transaction (the demo seed: books then lines, one commit). */
export function applyBooksInTransaction(
  ctx: EngineContext,
  actor: Actor,
  books: LoadedBooks,
  now: string,
): BooksApplyResult {
  booksGate(actor);
  const policyIssues = checkMaterialityAgainstPolicy(books.document, ctx.policy);
  if (policyIssues.length > 0) throw new BooksError('BOOKS_INVALID', policyIssues);
  const plan = planBooks(ctx.store, books);
  if (plan.refusals.length > 0) {
    throw new BooksError(
      plan.refusals[0]!.code,
      plan.refusals.map((r) => r.issue),
    );
  }
  const base = { operation: 'books_apply' as const, version: books.version, changes: plan.changes };
  if (plan.changes.length === 0) return { ...base, status: 'unchanged' };
  execute(ctx, plan, now);
  const auditSeq = audit(
    ctx,
    'BOOKS_APPLIED',
    actor,
    {
      version: books.version,
      name: books.document.name ?? null,
      changes: plan.changes.filter((c) => c.kind !== 'rate_added'),
      ratesAdded: plan.rates.length,
    },
    now,
  );
  return { ...base, status: 'applied', auditSeq };
}

function execute(ctx: EngineContext, plan: BooksPlan, now: string): void {
  const { entities, config } = ctx.store;
  for (const name of plan.intercompany.remove) config.removeIntercompanyRule(name);
  for (const a of plan.accounts.remove) entities.removeAccount(a.entity, a.code);
  for (const code of plan.entities.remove) entities.removeEntity(code);
  for (const e of plan.entities.add) entities.addEntity(e);
  for (const e of plan.entities.update) entities.updateEntityRecord(e);
  for (const a of plan.accounts.upsert) entities.upsertAccount(a);
  for (const r of plan.intercompany.add) config.addIntercompanyRule(r);
  for (const r of plan.rates) config.addRate(r);
  for (const [key, value] of Object.entries(plan.settings)) config.setSetting(key, value, now);
}
