import fs from 'node:fs';
import path from 'node:path';
import { openEngine } from '../../engine.js';
import { applyBooks, type BooksApplyResult } from '../../books/apply.js';
import { BooksError } from '../../books/errors.js';
import { loadBooks, type LoadedBooks } from '../../books/load.js';
import { booksView, type BooksView } from '../../books/show.js';
import { parse, DB_OPTION } from '../args.js';
import { EXIT_OK, EXIT_ERROR, printJson, UsageError, type CliIo } from '../io.js';
import { alignedRows, openExisting, withEngine } from '../shared.js';
import type { Command } from './types.js';
import { creatableDbPathOf, policyPathOf, withPolicyNamed } from '../settings.js';

const HELP = `usage: closegate-engine books <init|apply|show> [options]

  books init [--db PATH] [--from books.yaml] [--policy FILE] [--json]
      create a new, empty database (no demo data); with --from, set it up
      from the books file. Refuses a database file that already exists.
  books apply books.yaml [--db PATH] [--policy FILE] [--json]
      make the database match the books file: idempotent (a second apply
      changes nothing), one BOOKS_APPLIED audit event per apply. Refused
      (nothing changes): removing an account or entity that has entries,
      changing the currency or time zone of an entity that has entries,
      a rate that differs from the stored one.
  books show [--db PATH] [--json]
      entities, accounts, intercompany pairs, materiality references,
      matching rules and FX coverage per currency pair.

books.yaml: see packages/closegate-engine/examples/books.yaml. Errors name
the key path (accounts.3.entity). Acts as $CLOSEGATE_ACTOR_ID if set (an llm
actor is refused), else engine:books.
Exit: 0 ok, 1 invalid file or refused change, 2 usage.`;

const OPTIONS = { ...DB_OPTION, policy: { type: 'string' }, from: { type: 'string' } } as const;

export const booksCommand: Command = {
  name: 'books',
  summary: 'books init | apply books.yaml | show: set up entities, accounts, FX and matching rules',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') return (io.out(HELP), EXIT_OK);
    if (sub === 'init') return init(rest, io);
    if (sub === 'apply') return apply(rest, io);
    if (sub === 'show') return show(rest, io);
    throw new UsageError(`unknown subcommand: books ${sub}`, HELP);
  },
};

function actorOf(io: CliIo): string {
  return io.env.CLOSEGATE_ACTOR_ID || 'engine:books';
}

function readBooks(file: string, io: CliIo): LoadedBooks {
  return loadBooks(fs.readFileSync(path.resolve(io.cwd, file), 'utf8'));
}

function refused(err: unknown, io: CliIo, json: boolean | undefined): number {
  if (!(err instanceof BooksError)) throw err;
  if (json) printJson(io, { ok: false, code: err.code, issues: err.issues });
  else io.err(`error ${err.code}: ${err.message}`);
  return EXIT_ERROR;
}

function printApplied(io: CliIo, r: BooksApplyResult, json: boolean | undefined, extra = {}): void {
  if (json) return printJson(io, { ok: true, ...extra, ...r });
  if (r.status === 'unchanged') return io.out(`books unchanged (version ${r.version.slice(0, 16)}...)`);
  io.out(
    `books applied: ${r.changes.length} change(s) (audit seq ${r.auditSeq}, version ${r.version.slice(0, 16)}...)`,
  );
  for (const c of r.changes.slice(0, 50)) io.out(`  ${c.kind} ${c.key}`);
  if (r.changes.length > 50) io.out(`  ... and ${r.changes.length - 50} more`);
}

async function init(argv: string[], io: CliIo): Promise<number> {
  const { values } = parse(argv, OPTIONS, HELP);
  if (values.help) return (io.out(HELP), EXIT_OK);
  const dbPath = creatableDbPathOf(values.db, io);
  if (fs.existsSync(dbPath))
    throw new UsageError(`${dbPath} already exists: use \`books apply\` to change its books`, HELP);
  let books: LoadedBooks | undefined;
  try {
    if (values.from !== undefined) books = readBooks(values.from, io);
  } catch (err) {
    return refused(err, io, values.json);
  }
  const policyPath = policyPathOf(values.policy, io);
  const engine = withPolicyNamed(values.policy, io, () => openEngine({ dbPath, policyPath, env: io.env }));
  let ok = false;
  try {
    const result = await withEngine(engine, (e) => {
      if (books === undefined) {
        if (values.json) printJson(io, { ok: true, database: dbPath, books: null });
        else
          io.out(
            `created empty database ${dbPath}; set it up with \`books apply books.yaml --db ${dbPath}\``,
          );
        return EXIT_OK;
      }
      try {
        const r = applyBooks(e.context, actorOf(io), books);
        printApplied(io, r, values.json, { database: dbPath });
        return EXIT_OK;
      } catch (err) {
        return refused(err, io, values.json);
      }
    });
    ok = result === EXIT_OK;
    return result;
  } finally {
    // a refused set-up leaves no half-made database behind
    if (!ok) for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) fs.rmSync(f, { force: true });
  }
}

function apply(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, HELP, 1);
  if (values.help) return Promise.resolve((io.out(HELP), EXIT_OK));
  const file = positionals[0];
  if (file === undefined) throw new UsageError('missing books.yaml', HELP);
  let books: LoadedBooks;
  try {
    books = readBooks(file, io);
  } catch (err) {
    return Promise.resolve(refused(err, io, values.json));
  }
  return withEngine(openExisting(values.db, values.policy, io, HELP), (e) => {
    try {
      printApplied(io, applyBooks(e.context, actorOf(io), books), values.json);
      return EXIT_OK;
    } catch (err) {
      return refused(err, io, values.json);
    }
  });
}

function show(argv: string[], io: CliIo): Promise<number> {
  const { values } = parse(argv, OPTIONS, HELP);
  if (values.help) return Promise.resolve((io.out(HELP), EXIT_OK));
  return withEngine(openExisting(values.db, values.policy, io, HELP), (e) => {
    const view = booksView(e.context);
    if (values.json) printJson(io, view);
    else printView(io, view);
    return EXIT_OK;
  });
}

function printView(io: CliIo, v: BooksView): void {
  const w = (s: string) => io.out(s);
  w(
    v.books
      ? `books ${v.books.name ?? '(unnamed)'} (version ${v.books.version.slice(0, 16)}...)`
      : 'books: never applied (set up before books.yaml)',
  );
  w('');
  w(`Entities (${v.entities.length}):`);
  for (const line of alignedRows(
    v.entities.map((e) => [e.code, e.currency, e.timeZone, e.name, `${e.entries} entries`]),
  ))
    w(`  ${line}`);
  w('');
  w(`Accounts (${v.accounts.length}):`);
  for (const line of alignedRows(
    v.accounts.map((a) => [a.entity, a.code, a.type || '-', a.sensitivity, a.name, `${a.entries} entries`]),
  ))
    w(`  ${line}`);
  w('');
  w(`Intercompany pairs (${v.intercompany.length}):`);
  for (const r of v.intercompany) w(`  ${r.name}: ${r.a} <-> ${r.b}`);
  w('');
  w(
    `Materiality overrides expected in the policy: ${v.materiality.overridesFromPolicy.join(', ') || '(none)'}`,
  );
  const rules = (v.matching.rules as { rules?: { name: string }[] }).rules ?? [];
  w(`Matching rules (${v.matching.source}): ${rules.map((r) => r.name).join(', ')}`);
  w('');
  w(
    `FX coverage (staleness window: ${v.fx.maxStalenessDays === null ? 'none' : `${v.fx.maxStalenessDays} days`}):`,
  );
  if (v.fx.coverage.length === 0) w('  no rates');
  for (const line of alignedRows(
    v.fx.coverage.map((c) => [`${c.base}/${c.quote}`, c.first, c.last, `${c.count} rate(s)`]),
  ))
    w(`  ${line}`);
}
