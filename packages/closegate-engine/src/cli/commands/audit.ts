import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { AuditChain, formatHead, openSqlite, parseHead, type ChainHead } from 'audit-chain';
import {
  defaultHeadLog,
  defaultPublicKeyPem,
  verifyRecon,
  type ReconVerifyReport,
} from '../../audit/verifyRecon.js';
import { checkSchema, refuseUnverifiable } from '../../audit/schemaCheck.js';
import { AUDIT_TABLE } from '../../store/index.js';
import { exportCommand, verifyBundleCommand } from './auditBundle.js';
import { snapshotCommand, verifySnapshotsCommand } from './auditSnapshot.js';
import { parse, DB_OPTION } from '../args.js';
import { EXIT_VERIFY_FAILED, EXIT_OK, printJson, UsageError, type CliIo } from '../io.js';
import { existingDbPathOf } from '../settings.js';
import type { Command } from './types.js';

const HELP = `usage: closegate-engine audit <verify|head|query|export|verify-bundle|snapshot|verify-snapshots> [options]

  audit verify [--db PATH] [--public-key FILE] [--head-log FILE] [--all-signatures]
               [--expect-head SEQ:HASH] [--state] [--json]
      Walks the hash chain, checks the signed heads with the Ed25519 public key
      (default: CLOSEGATE_AUDIT_PUBLIC_KEY, else the public half of the engine's
      signing key if present), the side file of signed heads (default
      <db>.audit-heads.jsonl when it exists; required when --head-log is given),
      the append-only triggers and the schema version. With --expect-head, the
      chain must still contain that head. With --state, rebuilds every match,
      entry, escalation (with votes), period and exception from the events and
      lists each row that differs (id, column, both values). The file is never
      written: a book from an older build is verified as it is, not migrated
      (the report notes its schema version); a book from a newer build
      (SCHEMA_NEWER) or a file that is not a closegate book (NOT_A_BOOK) is
      refused with exit 1. Exit: 0 intact, 3 broken or state differs, 1 error
      or refused, 2 usage.
  audit head [--db PATH] [--json]
      Prints the newest SEQ:HASH; keep it somewhere else to check later.
  audit query [--db PATH] [--actor A] [--type T] [--since ISO] [--limit N] [--json]
      Lists events (oldest first, default limit 100, max 1000).
  audit export --out DIR [--period YYYY-MM] [--entity CODE]   (see audit export --help)
      Writes a signed PBC evidence bundle.
  audit verify-bundle DIR --public-key FILE                   (see audit verify-bundle --help)
      Checks a bundle offline with only the public key.
  audit snapshot --to DIR / audit verify-snapshots DIR --public-key FILE
      Incremental signed segments for immutable storage (see audit snapshot --help).
The database is opened read-only.`;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'audit verify | head | query | export | verify-bundle on the signed, hash-chained audit log',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') return (io.out(HELP), EXIT_OK);
    if (sub === 'verify') return verify(rest, io);
    if (sub === 'head') return head(rest, io);
    if (sub === 'query') return query(rest, io);
    if (sub === 'export') return exportCommand(rest, io);
    if (sub === 'verify-bundle') return verifyBundleCommand(rest, io);
    if (sub === 'snapshot') return snapshotCommand(rest, io);
    if (sub === 'verify-snapshots') return verifySnapshotsCommand(rest, io);
    throw new UsageError(`unknown subcommand: audit ${sub}`, HELP);
  },
};

function openChain(dbFlag: string | undefined, io: CliIo): { chain: AuditChain; close: () => void } {
  const dbPath = existingDbPathOf(dbFlag, io);
  const db = openSqlite(dbPath, { readonly: true });
  try {
    return { chain: new AuditChain(db, { table: AUDIT_TABLE }), close: () => db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}

function verify(argv: string[], io: CliIo): number {
  const opts = {
    ...DB_OPTION,
    'expect-head': { type: 'string' },
    'public-key': { type: 'string' },
    'head-log': { type: 'string' },
    'all-signatures': { type: 'boolean' },
    state: { type: 'boolean' },
  } as const;
  const { values } = parse(argv, opts, HELP);
  if (values.help) return (io.out(HELP), EXIT_OK);
  let expectHead: ChainHead | undefined;
  if (values['expect-head'] !== undefined) {
    try {
      expectHead = parseHead(values['expect-head']);
    } catch (err) {
      throw new UsageError(`--expect-head: ${(err as Error).message}`, HELP);
    }
  }
  const dbPath = existingDbPathOf(values.db, io);
  const publicKeyPem = readPublicKey(values['public-key'], dbPath, io);
  const headLogFlag = values['head-log'];
  const { db, close } = openDb(values.db, io);
  try {
    // read-only evidence: an older book is verified as it stands (never migrated); one this build
    // cannot vouch for (newer, or not a book) is refused before the chain is walked
    refuseUnverifiable(checkSchema(db), dbPath);
    const onProgress = io.stderrIsTty ? (seq: number) => io.err(`  verified through seq ${seq}`) : undefined;
    const report = verifyRecon(db, {
      ...(expectHead ? { expectHead } : {}),
      ...(onProgress ? { onProgress } : {}),
      ...(publicKeyPem !== undefined ? { publicKeyPem } : {}),
      headLog: { file: headLogFlag ?? defaultHeadLog(dbPath, io.env), required: headLogFlag !== undefined },
      ...(values['all-signatures'] ? { allSignatures: true } : {}),
      ...(values.state ? { state: true } : {}),
    });
    if (values.json) printJson(io, { ...report.chain, ...report });
    else printReport(io, report);
    return report.ok ? EXIT_OK : EXIT_VERIFY_FAILED;
  } finally {
    close();
  }
}

function printReport(io: CliIo, report: ReconVerifyReport): void {
  const result = report.chain;
  if (result.ok) {
    const signed = result.signatures;
    io.out(
      `audit chain intact: ${result.count} events, head ${result.head ? formatHead(result.head) : '(empty)'}` +
        (signed
          ? `; signed: ${signed.heads} heads, newest seq ${signed.latest?.seq ?? '-'} by key ${signed.latest?.keyId ?? '-'}`
          : ''),
    );
    if (!report.signaturesChecked)
      io.out('WARNING: head signatures NOT checked (no public key: pass --public-key FILE)');
  } else io.out(`AUDIT CHAIN BROKEN at seq ${result.brokenSeq} (${result.reason}): ${result.message}`);
  const schema = report.schema;
  if (!schema.ok) io.out(`SCHEMA VERSION ${schema.version} is not the expected ${schema.expected}`);
  else if (schema.status === 'older')
    io.out(
      `note: schema version ${schema.version} is older than this build's ${schema.expected}: verified as it is, ` +
        'not migrated (the engine migrates the file when it next opens it for writing)',
    );
  const state = report.state;
  if (state === undefined) return;
  const c = state.checked;
  if (state.ok)
    io.out(
      `state agrees with ${state.events} events: ${c.matches} matches, ${c.entries} entries, ${c.escalations} escalations (${c.votes} votes), ${c.periods} periods, ${c.exceptions} exceptions`,
    );
  else {
    io.out(`STATE DIFFERS FROM THE AUDIT EVENTS: ${state.differenceCount} difference(s)`);
    for (const d of state.differences)
      io.out(
        `  ${d.table} ${d.id} ${d.column}: events say ${JSON.stringify(d.expected)}, table has ${JSON.stringify(d.actual)}${d.seq !== undefined ? ` (last event seq ${d.seq})` : ''}`,
      );
    for (const u of state.unreadable) io.out(`  event seq ${u.seq} (${u.type}) cannot be replayed: ${u.why}`);
  }
}

function readPublicKey(flag: string | undefined, dbPath: string, io: CliIo): string | undefined {
  try {
    if (flag !== undefined) return fs.readFileSync(path.resolve(io.cwd, flag), 'utf8');
    return defaultPublicKeyPem(dbPath, io.env);
  } catch (err) {
    throw new UsageError(`public key: ${(err as Error).message}`, HELP);
  }
}

function openDb(dbFlag: string | undefined, io: CliIo): { db: Database.Database; close: () => void } {
  const dbPath = existingDbPathOf(dbFlag, io);
  const db = openSqlite(dbPath, { readonly: true });
  return { db, close: () => db.close() };
}

function head(argv: string[], io: CliIo): number {
  const { values } = parse(argv, DB_OPTION, HELP);
  if (values.help) return (io.out(HELP), EXIT_OK);
  const { chain, close } = openChain(values.db, io);
  try {
    const h = chain.head();
    if (values.json)
      printJson(io, h === null ? { head: null } : { head: formatHead(h), seq: h.seq, hash: h.hash });
    else io.out(h === null ? '(empty chain)' : formatHead(h));
    return EXIT_OK;
  } finally {
    close();
  }
}

function query(argv: string[], io: CliIo): number {
  const opts = {
    ...DB_OPTION,
    actor: { type: 'string' },
    type: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
  } as const;
  const { values } = parse(argv, opts, HELP);
  if (values.help) return (io.out(HELP), EXIT_OK);
  let limit: number | undefined;
  if (values.limit !== undefined) {
    if (!/^[1-9]\d{0,3}$/.test(values.limit) || Number(values.limit) > 1000)
      throw new UsageError('--limit must be 1..1000', HELP);
    limit = Number(values.limit);
  }
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since)))
    throw new UsageError('--since must be an ISO-8601 timestamp', HELP);
  const { chain, close } = openChain(values.db, io);
  try {
    const filter = {
      ...(values.actor !== undefined ? { actor: values.actor } : {}),
      ...(values.type !== undefined ? { type: values.type } : {}),
      ...(values.since !== undefined ? { since: new Date(values.since).toISOString() } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
    const rows = chain.query(filter);
    if (values.json) printJson(io, rows);
    else
      for (const r of rows) io.out(`${r.seq}  ${r.ts}  ${r.actor}  ${r.type}  ${JSON.stringify(r.payload)}`);
    return EXIT_OK;
  } finally {
    close();
  }
}
