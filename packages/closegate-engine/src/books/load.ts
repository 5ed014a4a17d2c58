import { createHash } from 'node:crypto';
import { canonicalJson } from 'audit-chain';
import type { Policy } from 'closegate-policy';
import YAML from 'yaml';
import { BooksError, type BooksIssue } from './errors.js';
import { booksSchema, type BooksDocument } from './schema.js';

/** A validated books.yaml and its version (SHA-256 of its canonical JSON). */
export interface LoadedBooks {
  document: BooksDocument;
  version: string;
}

const MAX_BOOKS_BYTES = 8 * 1024 * 1024;

/**
 * Parses and validates books.yaml text. Every problem is reported with its
 * key path (`accounts.3.entity`), not only the first one: schema errors,
 * then cross-references (an account's entity, duplicate codes, intercompany
 * pairs naming accounts that do not exist, materiality entities).
 */
export function loadBooks(text: string): LoadedBooks {
  if (text.length > MAX_BOOKS_BYTES) throw invalid('', `file is larger than ${MAX_BOOKS_BYTES} bytes`);
  // uniqueKeys (default) refuses a key written twice; aliases are not expanded (no alias bombs);
  // an unknown tag (!!js/function ...) is a warning in the yaml library: refused here like an error
  const doc = YAML.parseDocument(text, { prettyErrors: false, logLevel: 'silent' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) throw invalid('', `not valid YAML: ${problem.message}`);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 0 });
  } catch (err) {
    throw invalid('', `not valid YAML: ${(err as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw invalid('', 'expected a mapping with version, entities, accounts ...');
  return validateBooks(raw);
}

/** Validates an already parsed document (see {@link loadBooks}). */
export function validateBooks(raw: unknown): LoadedBooks {
  const parsed = booksSchema.safeParse(raw);
  if (!parsed.success) {
    throw new BooksError(
      'BOOKS_INVALID',
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  }
  const issues = crossReferences(parsed.data);
  if (issues.length > 0) throw new BooksError('BOOKS_INVALID', issues);
  const version = createHash('sha256').update(canonicalJson(parsed.data)).digest('hex');
  return { document: parsed.data, version };
}

function crossReferences(doc: BooksDocument): BooksIssue[] {
  const issues: BooksIssue[] = [];
  const entities = new Map<string, number>();
  doc.entities.forEach((e, i) => {
    if (entities.has(e.code))
      issues.push({ path: `entities.${i}.code`, message: `duplicate entity ${e.code}` });
    else entities.set(e.code, i);
    const cal = e.close_calendar;
    if (cal.closes_day < cal.opens_day)
      issues.push({
        path: `entities.${i}.close_calendar.closes_day`,
        message: `closes before it opens (opens_day ${cal.opens_day})`,
      });
  });
  const accounts = new Set<string>();
  doc.accounts.forEach((a, i) => {
    if (!entities.has(a.entity))
      issues.push({ path: `accounts.${i}.entity`, message: `unknown entity ${a.entity}` });
    const key = `${a.entity}|${a.code}`;
    if (accounts.has(key))
      issues.push({ path: `accounts.${i}.code`, message: `duplicate account ${a.entity} ${a.code}` });
    accounts.add(key);
  });
  const names = new Set<string>();
  doc.intercompany.forEach((r, i) => {
    if (names.has(r.name))
      issues.push({ path: `intercompany.${i}.name`, message: `duplicate pair name ${r.name}` });
    names.add(r.name);
    for (const side of ['a', 'b'] as const) {
      const ref = r[side];
      if (!accounts.has(`${ref.entity}|${ref.account}`))
        issues.push({
          path: `intercompany.${i}.${side}`,
          message: `account ${ref.entity} ${ref.account} is not in accounts`,
        });
    }
    if (r.a.entity === r.b.entity)
      issues.push({ path: `intercompany.${i}.b.entity`, message: 'an intercompany pair joins two entities' });
  });
  doc.materiality.overrides_from_policy.forEach((code, i) => {
    if (!entities.has(code))
      issues.push({ path: `materiality.overrides_from_policy.${i}`, message: `unknown entity ${code}` });
  });
  const seenRates = new Set<string>();
  doc.fx.rates.forEach((r, i) => {
    if (r.base === r.quote)
      issues.push({ path: `fx.rates.${i}.quote`, message: 'base and quote must differ' });
    const key = `${r.base}/${r.quote}@${r.date}`;
    if (seenRates.has(key))
      issues.push({ path: `fx.rates.${i}`, message: `two ${r.base}/${r.quote} rates for ${r.date}` });
    seenRates.add(key);
  });
  return issues;
}

/**
 * The materiality references checked against the policy in force: each
 * listed entity must have an override in the policy, in its functional
 * currency (an override in another currency would be compared against the
 * wrong amounts).
 */
export function checkMaterialityAgainstPolicy(doc: BooksDocument, policy: Policy): BooksIssue[] {
  const overrides = policy.document.entity_materiality_overrides as Record<
    string,
    { amount: string; currency: string } | undefined
  >;
  const issues: BooksIssue[] = [];
  doc.materiality.overrides_from_policy.forEach((code, i) => {
    const entity = doc.entities.find((e) => e.code === code);
    const override = overrides[code];
    if (override === undefined)
      issues.push({
        path: `materiality.overrides_from_policy.${i}`,
        message: `the policy (${policy.label}) has no entity_materiality_overrides.${code}`,
      });
    else if (entity !== undefined && override.currency !== entity.currency)
      issues.push({
        path: `materiality.overrides_from_policy.${i}`,
        message: `the policy's override for ${code} is in ${override.currency}, the entity's currency is ${entity.currency}`,
      });
  });
  return issues;
}

function invalid(path: string, message: string): BooksError {
  return new BooksError('BOOKS_INVALID', [{ path, message }]);
}
