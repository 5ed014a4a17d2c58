import type Database from 'better-sqlite3';
import { AuditChainError } from '../errors.js';
import { DEFAULT_TABLE, ensureSchema, isReadOnly, validateTableName } from '../store/schema.js';
import { AuditBatch } from './batch.js';
import { prepareEvent, type AuditEventInput, type PreparedEvent } from './event.js';
import { GENESIS_HASH, hashText, sha256Hex } from './hash-format.js';
import { compileQuery, toRecord, type StoredRow } from './query.js';
import type { AuditRecord, ChainHead, QueryFilter, VerifyOptions, VerifyResult } from './types.js';
import { verifyChain } from './verify.js';
import { HeadLog } from '../signing/head-log.js';
import type { SignedHead } from '../signing/head-message.js';
import type { HeadSigner } from '../signing/keys.js';
import { HeadSealer, KEY_ROTATED_EVENT } from '../signing/sealer.js';
import { dropAlteredTriggers, type TriggerProblem } from '../store/triggers.js';

export interface AuditChainOptions {
  /** Table name (plain identifier). Default `audit_events`. */
  table?: string;
  /**
   * Signs the head of every transaction this chain commits (see README
   * "Signed heads"). Without it the chain is hash-linked only.
   */
  signer?: HeadSigner;
  /** Side file that every signed head is appended to after its commit (truncation evidence). */
  headLog?: string;
  /**
   * Keep the indexes on actor, type and ts that {@link AuditChain.query}
   * filters use (default true). A chain that is only appended to and
   * verified can set false: each append then writes 2 B-tree pages instead
   * of 5, and `query()` scans. An existing table loses them on a writable open.
   */
  queryIndexes?: boolean;
}

/**
 * Append-only, hash-chained event log in one SQLite table.
 *
 * `append` joins the caller's open transaction on the same connection, so a
 * state change and its audit row commit or roll back together:
 *
 *   db.transaction(() => { mutate(); chain.append(event); }).immediate();
 *
 * Outside a transaction it opens its own IMMEDIATE transaction. The head is
 * read from the table on every append, so several connections or processes
 * can append to one file; SQLite's write lock serialises them and the
 * `seq` primary key makes a forked chain impossible. The head is re-read even
 * inside one transaction: carrying it over from the previous append would save
 * ~6% of an append, but it goes stale when a savepoint holding that append
 * rolls back (or another AuditChain on this connection appends), and SQLite
 * exposes no cheap signal for either (total_changes() does not go back).
 */
export class AuditChain {
  readonly table: string;
  private readonly db: Database.Database;
  private readonly headStmt: Database.Statement;
  private readonly insertStmt: Database.Statement | undefined;
  private readonly countStmt: Database.Statement;
  private readonly insertManyStmt: Database.Statement | undefined;
  private readonly appendTx: Database.Transaction<
    (event: PreparedEvent, insert: Database.Statement) => StoredLink
  >;
  private readonly sealer: HeadSealer | undefined;
  private readonly sealedTx: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly headLogWriter: HeadLog | undefined;
  /** Side file path given at open (verify's default). */
  readonly headLog: string | undefined;
  /** Head sealed by the transaction now running (written to the side file once it commits). */
  private sealedInTx: SignedHead | null = null;
  /** Triggers that were dropped or altered and were put back when this writable chain opened. */
  readonly restoredTriggers: readonly TriggerProblem[];
  #rowsWritten = 0;

  constructor(db: Database.Database, opts: AuditChainOptions = {}) {
    this.db = db;
    this.table = validateTableName(opts.table ?? DEFAULT_TABLE);
    this.restoredTriggers = isReadOnly(db) ? [] : dropAlteredTriggers(db, this.table);
    ensureSchema(db, this.table, { queryIndexes: opts.queryIndexes });
    this.headLog = opts.headLog;
    if (opts.signer !== undefined && !isReadOnly(db)) {
      this.sealer = new HeadSealer(db, this.table, opts.signer);
      if (opts.headLog !== undefined) this.headLogWriter = new HeadLog(opts.headLog, this.table);
    }
    this.sealedTx = db.transaction((fn: () => unknown) => {
      const result = fn();
      this.sealNow();
      return result;
    });
    this.headStmt = db.prepare(`SELECT seq, hash FROM ${this.table} ORDER BY seq DESC LIMIT 1`);
    this.countStmt = db.prepare(`SELECT count(*) FROM ${this.table}`).pluck();
    const insertSql = (rows: number): string =>
      `INSERT INTO ${this.table} (seq, event_id, ts, actor, type, payload, prev_hash, hash) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`;
    const readOnly = isReadOnly(db);
    this.insertStmt = readOnly ? undefined : db.prepare(insertSql(1));
    this.insertManyStmt = readOnly ? undefined : db.prepare(insertSql(ROWS_PER_INSERT));
    this.appendTx = db.transaction((event: PreparedEvent, insert: Database.Statement) =>
      this.appendInTransaction(event, insert),
    );
  }

  /** Validates, chains and stores one event; returns the stored record. */
  append(event: AuditEventInput): AuditRecord {
    const prepared = prepareEvent(event);
    const { seq, hash, prevHash } = this.link(prepared);
    return {
      seq,
      eventId: prepared.eventId,
      ts: prepared.ts,
      actor: prepared.actor,
      type: prepared.type,
      payload: JSON.parse(prepared.payloadJson) as Record<string, unknown>,
      prevHash,
      hash,
    };
  }

  /**
   * {@link append} for callers that need only the new head: the same row,
   * without parsing the stored payload back (a fifth of an append's time).
   */
  appendReturningHead(event: AuditEventInput): ChainHead {
    const { seq, hash } = this.link(prepareEvent(event));
    return { seq, hash };
  }

  /**
   * Opens an {@link AuditBatch} in the caller's open transaction: events
   * added to it are written in groups, the last by its `flush`, which must
   * run before that transaction commits.
   */
  batch(): AuditBatch {
    if (this.insertStmt === undefined) {
      throw new AuditChainError('AUDIT_READONLY', 'cannot append: the database was opened read-only');
    }
    if (!this.db.inTransaction) {
      throw new AuditChainError(
        'AUDIT_NO_TRANSACTION',
        'an audit batch needs an open transaction: the head it starts from must not move before it is flushed',
      );
    }
    return new AuditBatch(
      { head: () => this.head(), insertRows: (values, events) => this.insertRows(values, events) },
      this.head(),
    );
  }

  /**
   * Rows this object has inserted on its connection so far (events and signed heads),
   * counted when each INSERT completes, whether its transaction later commits or rolls back.
   * With SQLite's `total_changes()` it tells a caller whether anything other than this
   * chain's own appends changed on the connection (a cache of other tables stays valid
   * across audit appends).
   */
  get rowsWritten(): number {
    return this.#rowsWritten;
  }

  /** Newest event's seq and hash, or null for an empty chain. */
  head(): ChainHead | null {
    const row = this.headStmt.get() as ChainHead | undefined;
    return row === undefined ? null : { seq: row.seq, hash: row.hash };
  }

  /** Walks the whole chain; see README "Verification" for every check. */
  verify(opts: VerifyOptions = {}): VerifyResult {
    const publicKey = opts.publicKey ?? this.sealer?.signer.publicKeyPem;
    const headLog = opts.headLog ?? this.headLog;
    return verifyChain(this.db, this.table, {
      ...opts,
      ...(publicKey !== undefined ? { publicKey } : {}),
      ...(headLog !== undefined && publicKey !== undefined ? { headLog } : {}),
    });
  }

  /** Events matching every given filter, seq ascending, payload parsed. */
  query(filter: QueryFilter = {}): AuditRecord[] {
    const { sql, params } = compileQuery(this.table, filter);
    return (this.db.prepare(sql).all(...params) as StoredRow[]).map(toRecord);
  }

  count(): number {
    return this.countStmt.get() as number;
  }

  private eventIdExists(eventId: string): boolean {
    return this.db.prepare(`SELECT 1 FROM ${this.table} WHERE event_id = ?`).get(eventId) !== undefined;
  }

  /** Joins the caller's transaction, or opens an IMMEDIATE one. */
  private link(prepared: PreparedEvent): StoredLink {
    const insert = this.insertStmt;
    if (insert === undefined) {
      throw new AuditChainError('AUDIT_READONLY', 'cannot append: the database was opened read-only');
    }
    if (this.db.inTransaction) return this.appendInTransaction(prepared, insert);
    if (this.sealer !== undefined) return this.transaction(() => this.appendInTransaction(prepared, insert));
    return this.appendTx.immediate(prepared, insert);
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction (a savepoint when one is open)
   * and, with a signer, signs the head it leaves before it commits; the
   * signed head goes to the side file after the outermost commit. Use it for
   * every write transaction that appends, so no committed event is unsigned.
   */
  transaction<T>(fn: () => T): T {
    const outermost = !this.db.inTransaction;
    if (outermost) this.sealedInTx = null;
    let result: T;
    try {
      result = this.sealedTx.immediate(fn) as T;
    } catch (err) {
      if (outermost) this.sealedInTx = null;
      throw err;
    }
    if (outermost) this.flushHeadLog();
    return result;
  }

  /**
   * Signs the current head now, inside the caller's transaction (for callers
   * that manage transactions themselves; {@link transaction} does it for
   * you). Returns the new signed head, or null when the head was signed
   * already or there is no signer.
   */
  seal(): SignedHead | null {
    if (!this.db.inTransaction) return this.transaction(() => this.sealNow());
    return this.sealNow();
  }

  /** The newest signed head in the database, or null. */
  signedHead(): SignedHead | null {
    return this.sealer?.last() ?? null;
  }

  /** Public key (SPKI PEM) of the current signer, if any. */
  get publicKeyPem(): string | undefined {
    return this.sealer?.signer.publicKeyPem;
  }

  /**
   * Key rotation: appends an AUDIT_KEY_ROTATED event naming the old and the
   * new public key, seals it with the OLD key, then signs every later head
   * with `next`. A verifier holding either key can then check the whole chain.
   */
  rotateKey(next: HeadSigner, actor: string, reason = 'scheduled rotation'): SignedHead {
    const sealer = this.sealer;
    if (sealer === undefined)
      throw new AuditChainError('AUDIT_NO_SIGNER', 'this chain was opened without a signer');
    const previous = sealer.signer;
    const sealed = this.transaction(() => {
      this.append({
        type: KEY_ROTATED_EVENT,
        actor,
        payload: {
          previous_key_id: previous.keyId,
          previous_public_key: previous.publicKeyPem,
          key_id: next.keyId,
          public_key: next.publicKeyPem,
          reason,
        },
      });
      return this.sealNow();
    });
    sealer.signer = next;
    return sealed!;
  }

  /** Closes the side file (the database connection is the caller's). */
  close(): void {
    this.headLogWriter?.close();
  }

  private sealNow(): SignedHead | null {
    if (this.sealer === undefined) return null;
    const signed = this.sealer.seal(this.head());
    if (signed !== null) {
      this.#rowsWritten++;
      this.sealedInTx = signed;
    }
    return signed;
  }

  private flushHeadLog(): void {
    const signed = this.sealedInTx;
    this.sealedInTx = null;
    if (signed !== null) this.headLogWriter?.append(signed);
  }

  /** Rows laid end to end, ROWS_PER_INSERT to a statement, then one at a time. */
  private insertRows(values: unknown[], events: readonly PreparedEvent[]): void {
    const insert = this.insertStmt!;
    const insertMany = this.insertManyStmt!;
    let row = 0;
    try {
      for (; row + ROWS_PER_INSERT <= events.length; row += ROWS_PER_INSERT) {
        insertMany.run(values.slice(row * COLUMNS, (row + ROWS_PER_INSERT) * COLUMNS));
        this.#rowsWritten += ROWS_PER_INSERT;
      }
      for (; row < events.length; row++) {
        insert.run(values.slice(row * COLUMNS, (row + 1) * COLUMNS));
        this.#rowsWritten++;
      }
    } catch (err) {
      // the failed statement left nothing behind: an id found now was stored before, or repeats in the batch
      const ids = events.map((e) => e.eventId);
      const duplicate = ids.find((id, i) => ids.indexOf(id) !== i || this.eventIdExists(id));
      throw translateInsertError(err, duplicate ?? '', duplicate !== undefined);
    }
  }

  private appendInTransaction(event: PreparedEvent, insert: Database.Statement): StoredLink {
    const head = this.head();
    const seq = head === null ? 1 : head.seq + 1;
    const prevHash = head === null ? GENESIS_HASH : head.hash;
    // eventHash without the per-event field object (same text, hot path).
    const hash = sha256Hex(
      hashText(prevHash, seq, event.eventId, event.ts, event.actor, event.type, event.payloadJson),
    );
    try {
      insert.run(seq, event.eventId, event.ts, event.actor, event.type, event.payloadJson, prevHash, hash);
      this.#rowsWritten++;
    } catch (err) {
      throw translateInsertError(err, event.eventId, this.eventIdExists(event.eventId));
    }
    return { seq, hash, prevHash };
  }
}

/** Columns of one row, and rows per multi-row INSERT of a batch (measured: 10-50 rows cost the same). */
const COLUMNS = 8;
const ROWS_PER_INSERT = 16;

/** Where one stored event sits in the chain. */
interface StoredLink {
  seq: number;
  hash: string;
  prevHash: string;
}

/** Our INSERT is plain: a conflict is a duplicate event id or a concurrent appender. */
function translateInsertError(err: unknown, eventId: string, eventIdExists: boolean): unknown {
  const code = (err as { code?: unknown }).code;
  const conflict =
    code === 'SQLITE_CONSTRAINT_TRIGGER' ||
    (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
  if (conflict && eventIdExists) {
    return new AuditChainError(
      'AUDIT_DUPLICATE_EVENT_ID',
      `an audit event with id ${eventId} already exists`,
      {
        cause: err,
      },
    );
  }
  if (code === 'SQLITE_READONLY') {
    return new AuditChainError('AUDIT_READONLY', 'cannot append: the database is read-only', { cause: err });
  }
  if (
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    (typeof code === 'string' && code.startsWith('SQLITE_BUSY'))
  ) {
    return new AuditChainError(
      'AUDIT_CONCURRENT_APPEND',
      'another connection appended at the same time; run the transaction with .immediate() and retry',
      { cause: err },
    );
  }
  return err;
}
