/**
 * The c=1 floor of a closegate T0 call, in isolation: what one MCP_TOOL_CALL record costs when
 * its transaction cannot be shared (one call alone), on the engine's own file settings
 * (openEngine on a seeded demo pack: WAL, synchronous=NORMAL, 64 MiB page cache, signed heads
 * with the side file, WAL checkpoints in the background worker as `mcp serve` runs them).
 *
 * Measured per transaction, CPU (user + system) of this process, the variants interleaved
 * round by round so that a change in the machine's load hits all of them:
 *   empty               BEGIN IMMEDIATE + COMMIT, nothing written
 *   unsigned            one audit event (the T0 record) in its own transaction, no signature
 *   store.tx unsigned   the same through store.tx on a chain without a signer (change stamp,
 *                       transaction wrapper)
 *   signed, stub sign   store.tx with a signer returning zeros: the seal without the Ed25519 math
 *                       (head read, newest signed head read, signed-head row, head-log line)
 *   signed              store.tx with the real signer (what a T0 call alone pays)
 *   sign                the Ed25519 signature alone (the signer's KeyObject, as the chain uses it)
 *   head-log            one head-log line alone (writeSync, O_APPEND)
 * and the WAL frames (pages) one signed one-event commit writes, counted on a copy with
 * automatic checkpoints off; then the same count with each secondary index of the audit table
 * dropped on a scratch copy (for the record: what an index costs a commit; nothing in the
 * product drops them). First, EXPLAIN QUERY PLAN of every query shape run on the audit table,
 * to show which index each one uses.
 *
 * Run: node --conditions=source --import tsx bench/lib/closegate-commit-floor.ts [transactions per round]
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateKeyFile, signedHeadMessage } from 'audit-chain';
import { openEngine, type Engine } from 'closegate-engine';
import { HeadLog } from '../../packages/audit-chain/src/signing/head-log.js';
import { auditRefTerm } from '../../packages/closegate-engine/src/store/auditIndexes.js';
import { median } from './stats.js';

const PER_ROUND = Number(process.argv[2] ?? 2000);
const ROUNDS = 5;
const dir = mkdtempSync(join(tmpdir(), 'closegate-commit-floor-'));
const dbPath = join(dir, 'recon.db');
const env = { CLOSEGATE_AUDIT_KEY: join(dir, 'audit-signing.key') };

const seeded = openEngine({ dbPath, env });
seeded.seedDemo();
seeded.close();

/** The T0 record as the dispatcher writes it (audit-trail.ts toolCallEvent). */
const event = (engine: Engine) => ({
  type: 'MCP_TOOL_CALL',
  actor: 'llm:bench-agent',
  payload: { tool: 'get_recon_status', tier: 'T0', transport: 'http', decision: 'allow' },
  ts: engine.context.now().toISOString(),
});

function cpuPer(n: number, fn: () => void): number {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

function variants(engine: Engine, headLogFile: string) {
  const store = engine.context.store;
  const db = store.db;
  const empty = db.transaction(() => {});
  const unsigned = db.transaction(() => store.audit.appendReturningHead(event(engine)));
  const signer = loadOrCreateKeyFile(env.CLOSEGATE_AUDIT_KEY);
  const message = signedHeadMessage(
    'audit_events',
    12345,
    'ab'.repeat(32),
    new Date().toISOString(),
    signer.keyId,
  );
  const log = new HeadLog(headLogFile, 'audit_events');
  const head = {
    seq: 1,
    hash: 'ab'.repeat(32),
    ts: new Date().toISOString(),
    keyId: signer.keyId,
    sig: 'x'.repeat(88),
  };
  return {
    empty: () => empty.immediate(),
    unsigned: () => void unsigned.immediate(),
    signed: () => void store.tx(() => store.audit.appendReturningHead(event(engine))),
    sign: () => void signer.sign(message),
    'head-log': () => log.append(head),
    close: () => log.close(),
  };
}

/** A signer that returns 64 zero bytes: what the signed commit costs besides the signature. */
function stubSigned(): { run: () => void; close: () => void } {
  const copy = join(dir, 'stub-signer.db');
  copyFileSync(dbPath, copy);
  const real = loadOrCreateKeyFile(env.CLOSEGATE_AUDIT_KEY);
  const signer = { keyId: real.keyId, publicKeyPem: real.publicKeyPem, sign: () => new Uint8Array(64) };
  const engine = openEngine({
    dbPath: copy,
    env,
    backgroundCheckpoints: true,
    auditSigning: { signer, headLog: join(dir, 'stub-signer.heads.jsonl'), keySource: 'stub' },
  });
  const store = engine.context.store;
  return {
    run: () => void store.tx(() => store.audit.appendReturningHead(event(engine))),
    close: () => engine.close(),
  };
}

/** store.tx on a chain without a signer: the transaction wrapper and change stamp, no seal. */
function storeTxUnsigned(): { run: () => void; close: () => void } {
  const copy = join(dir, 'no-signer.db');
  copyFileSync(dbPath, copy);
  const engine = openEngine({ dbPath: copy, env, backgroundCheckpoints: true, auditSigning: false });
  const store = engine.context.store;
  return {
    run: () => void store.tx(() => store.audit.appendReturningHead(event(engine))),
    close: () => engine.close(),
  };
}

function cpuFigures(): void {
  const engine = openEngine({ dbPath, env, backgroundCheckpoints: true });
  const base = variants(engine, join(dir, 'scratch.heads.jsonl'));
  const stub = stubSigned();
  const plainTx = storeTxUnsigned();
  const v = { ...base, 'store.tx unsigned': plainTx.run, 'signed, stub sign': stub.run };
  const names = [
    'empty',
    'unsigned',
    'store.tx unsigned',
    'signed, stub sign',
    'signed',
    'sign',
    'head-log',
  ] as const;
  const per: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) cpuPer(200, v[n]); // warm-up
  const load = [loadavg()[0]!];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    for (const n of order) per[n]!.push(cpuPer(PER_ROUND, v[n]));
    load.push(loadavg()[0]!);
  }
  base.close();
  stub.close();
  plainTx.close();
  engine.close();
  for (const n of names)
    console.log(
      `commit floor ${n.padEnd(17)} CPU ${median(per[n]!).toFixed(1).padStart(6)} µs per transaction (median of ${ROUNDS} x ${PER_ROUND}: ${per[n]!.map((x) => x.toFixed(0)).join(' ')})`,
    );
  console.log(`commit floor: load average ${Math.min(...load).toFixed(2)}-${Math.max(...load).toFixed(2)}`);
}

/** WAL frames one signed one-event commit writes, on a copy (auto-checkpoint off). */
function pagesPerCommit(label: string, dropIndex?: string): void {
  const copy = join(dir, `pages-${label}.db`);
  copyFileSync(dbPath, copy);
  const engine = openEngine({ dbPath: copy, env });
  const db = engine.context.store.db;
  if (dropIndex !== undefined) db.exec(`DROP INDEX ${dropIndex}`);
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('wal_checkpoint(TRUNCATE)');
  const signed = variants(engine, join(dir, `pages-${label}.heads.jsonl`));
  const n = 500;
  for (let i = 0; i < n; i++) signed.signed();
  const { log } = (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!;
  signed.close();
  engine.close();
  console.log(
    `commit floor pages ${label.padEnd(22)} ${(log / n).toFixed(2)} WAL frames (pages) per signed one-event commit (${n} commits, checkpoints off)`,
  );
}

/**
 * EXPLAIN QUERY PLAN of every query shape the code base runs on the audit table (filters of
 * AuditChain.query, which query_audit, the CLI and the gateway's decision log use; the desk's
 * auditPage with its COUNT; replay, export, snapshot, sandbox sync, head read, append-only
 * trigger lookups): which index each one searches.
 */
function explainAuditQueries(): void {
  const engine = openEngine({ dbPath, env });
  const db = engine.context.store.db;
  const cols = 'seq, event_id, ts, actor, type, payload, prev_hash, hash';
  const t = '2026-01-01T00:00:00.000Z';
  const queries: [string, string, unknown[]][] = [
    ['query({actor})', `SELECT ${cols} FROM audit_events WHERE actor = ? ORDER BY seq LIMIT 100`, ['llm:x']],
    ['query({type})', `SELECT ${cols} FROM audit_events WHERE type = ? ORDER BY seq LIMIT 100`, ['X']],
    ['query({since})', `SELECT ${cols} FROM audit_events WHERE ts >= ? ORDER BY seq LIMIT 100`, [t]],
    [
      'query({since,until})',
      `SELECT ${cols} FROM audit_events WHERE ts >= ? AND ts < ? ORDER BY seq LIMIT 100`,
      [t, t],
    ],
    ['query({afterSeq})', `SELECT ${cols} FROM audit_events WHERE seq > ? ORDER BY seq LIMIT 100`, [1]],
    [
      'gateway decisions (actor,type,afterSeq)',
      `SELECT ${cols} FROM audit_events WHERE actor = ? AND type = ? AND seq > ? ORDER BY seq LIMIT 100`,
      ['llm:x', 'X', 0],
    ],
    [
      'desk page (actor)',
      `SELECT ${cols} FROM audit_events WHERE actor = ? ORDER BY seq DESC LIMIT 50 OFFSET 0`,
      ['llm:x'],
    ],
    ['desk count (actor)', 'SELECT COUNT(*) AS n FROM audit_events WHERE actor = ?', ['llm:x']],
    [
      'desk page (type)',
      `SELECT ${cols} FROM audit_events WHERE type = ? ORDER BY seq DESC LIMIT 50 OFFSET 0`,
      ['X'],
    ],
    ['desk count (type)', 'SELECT COUNT(*) AS n FROM audit_events WHERE type = ?', ['X']],
    [
      'desk page (since,until)',
      `SELECT ${cols} FROM audit_events WHERE ts >= ? AND ts < ? ORDER BY seq DESC LIMIT 50 OFFSET 0`,
      [t, t],
    ],
    ['desk count (since,until)', 'SELECT COUNT(*) AS n FROM audit_events WHERE ts >= ? AND ts < ?', [t, t]],
    [
      'desk page (matchId)',
      `SELECT ${cols} FROM audit_events WHERE ${auditRefTerm('matchId', 'matchId')} ORDER BY seq DESC LIMIT 200 OFFSET 0`,
      [{ matchId: 1 }],
    ],
    [
      'desk page (escalationId)',
      `SELECT ${cols} FROM audit_events WHERE ${auditRefTerm('escalationId', 'escalationId')} ORDER BY seq DESC LIMIT 200 OFFSET 0`,
      [{ escalationId: 1 }],
    ],
    ['head', 'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1', []],
    ['event id exists', 'SELECT 1 FROM audit_events WHERE event_id = ?', ['x']],
    ['trigger: seq taken', 'SELECT 1 FROM audit_events WHERE seq = ?', [1]],
    ['sandbox sync / snapshot', `SELECT ${cols} FROM audit_events WHERE seq > ? ORDER BY seq LIMIT 500`, [0]],
    ['snapshot range', `SELECT ${cols} FROM audit_events WHERE seq >= ? AND seq <= ? ORDER BY seq`, [1, 2]],
    ['export / verify', `SELECT ${cols} FROM audit_events ORDER BY seq`, []],
    [
      'replay',
      'SELECT seq, type, actor, payload FROM audit_events NOT INDEXED WHERE type IN (?, ?) ORDER BY seq',
      ['A', 'B'],
    ],
    [
      'signed head',
      'SELECT seq, hash, ts, key_id, sig FROM audit_events_heads ORDER BY seq DESC LIMIT 1',
      [],
    ],
    [
      'signed heads after',
      'SELECT seq, hash, ts, key_id, sig FROM audit_events_heads WHERE seq > ? ORDER BY seq',
      [0],
    ],
  ];
  for (const [label, sql, params] of queries) {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
      .map((r) => r.detail)
      .join('; ');
    console.log(`audit query plan ${label.padEnd(40)} ${plan}`);
  }
  engine.close();
}

explainAuditQueries();
cpuFigures();
pagesPerCommit('schema as shipped');
for (const index of ['audit_events_actor_idx', 'audit_events_type_idx', 'audit_events_ts_idx'])
  pagesPerCommit(`without ${index.replace('audit_events_', '')}`, index);
