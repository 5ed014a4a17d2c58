import type { StartRecord, CompletionRecord } from './recorder.js';
import type { QueryOptions, QueryResult } from './query.js';
import type { RequestRow } from './schema.js';
import type { RecorderVerifyReport } from './verify.js';

/** A value now (the SQLite store) or later (PostgreSQL): callers always `await` it. */
export type Awaitable<T> = T | Promise<T>;

/**
 * The flight recorder as the gateway uses it, whatever stores it: SQLite
 * (`FlightRecorder`, logs.db, the default) or PostgreSQL (`PgFlightRecorder`).
 * Both keep one row per request, append-only, every write hash-chained in the
 * same transaction, and answer caller SQL over the caller's own rows only.
 */
export interface Recorder {
  /** Where the rows live, for logs: a file path, or the database URL with its password redacted. */
  readonly path: string;
  /**
   * True when writes go over the network (PostgreSQL): the start row is then
   * written before the CLI is spawned, not overlapping its start-up.
   */
  readonly remote?: boolean;
  start(rec: StartRecord): Awaitable<void>;
  complete(correlationId: string, owner: string, rec: CompletionRecord): Awaitable<void>;
  /** One request of this owner; another owner's request is indistinguishable from a missing one. */
  get(correlationId: string, owner: string): Awaitable<RequestRow | undefined>;
  ownsProviderSession(owner: string, cli: string, providerSessionId: string): Awaitable<boolean>;
  query(sql: string, owner: string, opts?: QueryOptions): Promise<QueryResult>;
  verify(): Awaitable<RecorderVerifyReport>;
  close(): Awaitable<void>;
}
