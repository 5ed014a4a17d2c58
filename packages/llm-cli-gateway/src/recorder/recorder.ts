import type Database from 'better-sqlite3';
import type { Recorder } from './api.js';
import { AuditChain, openSqlite, type HeadSigner } from 'audit-chain';
import type { Usage } from '../providers/contract.js';
import { rowDigest } from './digest.js';
import { completionRow, startRow } from './rows.js';
import { QuerySandbox } from 'query-sandbox';
import { QUERY_DIR_PREFIX, queryOwnRows, type QueryOptions, type QueryResult } from './query.js';
import { redactSecrets } from './redact.js';
import {
  CHAIN_TABLE,
  COMPLETION_COLUMNS,
  RECORDER_SCHEMA,
  START_COLUMNS,
  type RequestColumn,
  type RequestRow,
} from './schema.js';
import { verifyRecorder, type RecorderVerifyReport } from './verify.js';

export interface StartRecord {
  correlationId: string;
  owner: string;
  transport: string;
  cli: string;
  model?: string;
  sessionId?: string;
  permissionLevel?: string;
  binaryPath?: string;
  prompt: string;
}

export interface CompletionRecord {
  status: 'completed' | 'failed';
  providerSessionId?: string;
  durationMs: number;
  exitCode: number | null;
  response?: string;
  error?: string;
  errorCode?: string;
  usage?: Usage;
  costUsd?: string;
}

/**
 * Flight recorder: one row per request in `logs.db` (0600, WAL), written when
 * the request starts and updated once when it completes. Each write appends
 * the digest of what it wrote to a hash chain (`audit-chain`) in the same
 * transaction, so an edited, deleted or forged row is detected by `verify`.
 * Prompt, response and error are redacted before they are stored.
 */
export class FlightRecorder implements Recorder {
  private readonly db: Database.Database;
  private readonly chain: AuditChain;
  private readonly readDb: Database.Database;
  private readonly insertStmt: Database.Statement;
  private readonly completeStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private sandbox: QuerySandbox | undefined;

  private readonly publicKeyPem: string | undefined;
  private readonly headLog: string | undefined;

  /**
   * With `signer`, every write signs the chain head it leaves (Ed25519, key
   * outside the database) and appends it to `<logs.db>.audit-heads.jsonl`;
   * `verify` then needs that key's public half (see audit-chain "Signed heads").
   */
  constructor(
    readonly path: string,
    private readonly knownSecrets: readonly string[] = [],
    private readonly queryOpts: { timeoutMs?: number } = {},
    signer?: HeadSigner,
  ) {
    this.db = openSqlite(path);
    this.db.exec(RECORDER_SCHEMA);
    this.headLog = signer === undefined ? undefined : `${path}.audit-heads.jsonl`;
    this.publicKeyPem = signer?.publicKeyPem;
    this.chain = new AuditChain(this.db, {
      table: CHAIN_TABLE,
      // Nothing filters the chain by actor, type or ts (verify walks it by seq):
      // without those three indexes each request writes 6 B-tree pages fewer.
      queryIndexes: false,
      ...(signer !== undefined ? { signer, headLog: this.headLog! } : {}),
    });
    // A separate read-only connection: SQLite itself refuses writes on it.
    this.readDb = openSqlite(path, { readonly: true });
    this.insertStmt = this.db.prepare(
      `INSERT INTO requests (${[...START_COLUMNS, 'status'].join(', ')}) VALUES (${[...START_COLUMNS, 'status'].map((c) => '@' + c).join(', ')})`,
    );
    this.completeStmt = this.db.prepare(
      `UPDATE requests SET ${COMPLETION_COLUMNS.map((c) => `${c} = @${c}`).join(', ')} WHERE correlation_id = @correlation_id AND status = 'running'`,
    );
    this.getStmt = this.readDb.prepare('SELECT * FROM requests WHERE correlation_id = ? AND owner = ?');
  }

  private redact(text: string | undefined): string | null {
    return text === undefined ? null : redactSecrets(text, this.knownSecrets);
  }

  start(rec: StartRecord): void {
    const row = startRow(rec, (t) => this.redact(t));
    this.chain.transaction(() => {
      this.insertStmt.run(row);
      this.chain.appendReturningHead({
        type: 'request.started',
        actor: rec.owner,
        payload: { correlationId: rec.correlationId, digest: rowDigest(row, START_COLUMNS) },
      });
    });
  }

  complete(correlationId: string, owner: string, rec: CompletionRecord): void {
    const row = completionRow(correlationId, rec, (t) => this.redact(t));
    this.chain.transaction(() => {
      const changed = this.completeStmt.run(row).changes;
      if (changed !== 1) return;
      this.chain.appendReturningHead({
        type: 'request.completed',
        actor: owner,
        payload: { correlationId, digest: rowDigest(row, COMPLETION_COLUMNS) },
      });
    });
  }

  /** One request of this owner; another owner's request is indistinguishable from a missing one. */
  get(correlationId: string, owner: string): RequestRow | undefined {
    return this.getStmt.get(correlationId, owner) as RequestRow | undefined;
  }

  /** Read-only SQL over the caller's own rows only (see query.ts for how that is enforced). */
  /** True when one of `owner`'s own rows for `cli` recorded this provider session id. */
  ownsProviderSession(owner: string, cli: string, providerSessionId: string): boolean {
    return (
      this.readDb
        .prepare('SELECT 1 FROM requests WHERE owner = ? AND cli = ? AND provider_session_id = ? LIMIT 1')
        .get(owner, cli, providerSessionId) !== undefined
    );
  }

  /** Caller SQL over the caller's own rows, in a query-sandbox worker process (never on this thread). */
  async query(sql: string, owner: string, opts: QueryOptions = {}): Promise<QueryResult> {
    this.sandbox ??= new QuerySandbox({
      prefix: QUERY_DIR_PREFIX,
      codePrefix: 'QUERY',
      hint: ' (one table: requests)',
      timeoutMs: this.queryOpts.timeoutMs,
    });
    const result = await queryOwnRows(this.sandbox, this.readDb, sql, owner, opts);
    // Defence in depth: the MCP exit redacts too, but rows never leave unredacted from here either.
    return {
      ...result,
      rows: result.rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [
            k,
            typeof v === 'string' ? redactSecrets(v, this.knownSecrets) : v,
          ]),
        ),
      ),
    };
  }

  verify(): RecorderVerifyReport {
    const signed =
      this.publicKeyPem === undefined ? {} : { publicKey: this.publicKeyPem, headLog: this.headLog! };
    return verifyRecorder(this.readDb, new AuditChain(this.readDb, { table: CHAIN_TABLE }), signed);
  }

  close(): void {
    this.sandbox?.close();
    this.chain.close();
    this.readDb.close();
    this.db.close();
  }
}

export type { RequestColumn, RequestRow };
