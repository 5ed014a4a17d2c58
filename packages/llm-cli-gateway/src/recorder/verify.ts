import type Database from 'better-sqlite3';
import type { AuditChain, VerifyOptions } from 'audit-chain';
import { rowDigest } from './digest.js';
import { COMPLETION_COLUMNS, START_COLUMNS, type RequestRow } from './schema.js';

export type RecorderVerifyReport =
  | { ok: true; requests: number; chainEvents: number }
  | { ok: false; requests: number; chainEvents: number; problem: string };

/**
 * Verifies the flight recorder: the hash chain itself (edited, deleted or
 * re-ordered chain rows), then every request row against the digests the chain
 * committed to (an edited prompt or response, a forged or deleted row).
 */
export function verifyRecorder(
  db: Database.Database,
  chain: AuditChain,
  // With an exported head, a truncated tail (newest rows and their chain events deleted) is
  // detected too; with the public key, every signed head is checked.
  options: Pick<VerifyOptions, 'publicKey' | 'headLog' | 'expectHead'> = {},
): RecorderVerifyReport {
  const chainResult = chain.verify(options);
  const requests = db.prepare('SELECT count(*) FROM requests').pluck().get() as number;
  if (!chainResult.ok) {
    return {
      ok: false,
      requests,
      chainEvents: chainResult.count,
      problem:
        chainResult.brokenSeq === undefined
          ? chainResult.message
          : `chain broken at seq ${chainResult.brokenSeq}: ${chainResult.message}`,
    };
  }
  const events = db.prepare(`SELECT type, payload FROM ${chain.table} ORDER BY seq`).raw(true);
  const rows = db.prepare('SELECT * FROM requests ORDER BY rowid');
  return checkRowsAgainstChain(
    events.iterate() as Iterable<[string, string]>,
    rows.iterate() as Iterable<RequestRow>,
    requests,
    chainResult.count,
  );
}

/**
 * Every request row against the digests its chain events committed to: an
 * edited start or completion, a row without a chained start (forged), a
 * chained start whose row is gone (deleted). Shared by both stores.
 */
export function checkRowsAgainstChain(
  events: Iterable<[type: string, payload: string]>,
  rows: Iterable<RequestRow>,
  requests: number,
  chainEvents: number,
): RecorderVerifyReport {
  const started = new Map<string, string>();
  const completed = new Map<string, string>();
  for (const [type, payload] of events) {
    const p = JSON.parse(payload) as { correlationId: string; digest: string };
    (type === 'request.started' ? started : completed).set(p.correlationId, p.digest);
  }
  for (const row of rows) {
    const id = String(row.correlation_id);
    const fail = (why: string): RecorderVerifyReport => ({
      ok: false,
      requests,
      chainEvents,
      problem: `request ${id}: ${why}`,
    });
    const startDigest = started.get(id);
    if (startDigest === undefined)
      return fail('row has no chained start event (forged or inserted directly)');
    if (startDigest !== rowDigest(row, START_COLUMNS))
      return fail('start fields do not match the chain (row edited)');
    started.delete(id);
    const doneDigest = completed.get(id);
    if (row.status === 'running') {
      if (doneDigest !== undefined)
        return fail('chain records a completion the row does not show (row edited)');
      continue;
    }
    if (doneDigest === undefined) return fail('completed row has no chained completion event (row edited)');
    if (doneDigest !== rowDigest(row, COMPLETION_COLUMNS))
      return fail('completion fields do not match the chain (row edited)');
  }
  const missing = started.keys().next();
  if (!missing.done)
    return {
      ok: false,
      requests,
      chainEvents,
      problem: `request ${missing.value}: chained but its row is gone (row deleted)`,
    };
  return { ok: true, requests, chainEvents };
}
