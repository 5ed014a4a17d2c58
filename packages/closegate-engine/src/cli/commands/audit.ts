import { AuditChain, formatHead, openSqlite, parseHead, type ChainHead } from 'audit-chain';
import { AUDIT_TABLE } from '../../store/index.js';
import { parse, DB_OPTION } from '../args.js';
import { EXIT_AUDIT_BROKEN, EXIT_OK, EXIT_USAGE, printJson, UsageError, type CliIo } from '../io.js';
import { existingDbPathOf } from '../settings.js';
import type { Command } from './types.js';

const HELP = `usage: closegate-engine audit <verify|head|query> [options]

  audit verify [--db PATH] [--expect-head SEQ:HASH] [--json]
      Walks the hash chain. With --expect-head, the chain must still contain
      that head (detects a truncated tail). Exit: 0 intact, 2 broken (names the
      first broken seq), 1 usage or other error.
  audit head [--db PATH] [--json]
      Prints the newest SEQ:HASH; keep it somewhere else to check later.
  audit query [--db PATH] [--actor A] [--type T] [--since ISO] [--limit N] [--json]
      Lists events (oldest first, default limit 100, max 1000).
The database is opened read-only.`;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'audit verify | head | query on the hash-chained audit log',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h')
      return (io.out(HELP), sub === undefined ? EXIT_USAGE : EXIT_OK);
    if (sub === 'verify') return verify(rest, io);
    if (sub === 'head') return head(rest, io);
    if (sub === 'query') return query(rest, io);
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
  const { values } = parse(argv, { ...DB_OPTION, 'expect-head': { type: 'string' } }, HELP);
  if (values.help) return (io.out(HELP), EXIT_OK);
  let expectHead: ChainHead | undefined;
  if (values['expect-head'] !== undefined) {
    try {
      expectHead = parseHead(values['expect-head']);
    } catch (err) {
      throw new UsageError(`--expect-head: ${(err as Error).message}`, HELP);
    }
  }
  const { chain, close } = openChain(values.db, io);
  try {
    const onProgress = io.stderrIsTty ? (seq: number) => io.err(`  verified through seq ${seq}`) : undefined;
    const result = chain.verify({
      ...(expectHead ? { expectHead } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    if (values.json) printJson(io, result);
    else if (result.ok)
      io.out(
        `audit chain intact: ${result.count} events, head ${result.head ? formatHead(result.head) : '(empty)'}`,
      );
    else io.out(`AUDIT CHAIN BROKEN at seq ${result.brokenSeq} (${result.reason}): ${result.message}`);
    return result.ok ? EXIT_OK : EXIT_AUDIT_BROKEN;
  } finally {
    close();
  }
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
