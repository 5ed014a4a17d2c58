import { randomUUID } from 'node:crypto';
import { canonicalJson, eventHash, GENESIS_HASH, type ChainHead } from 'audit-chain';
import type { PgClient, PgPool } from '../store/pg/pool.js';
import { CHAIN_LOCK_TABLE, PG_CHAIN_TABLE } from '../store/pg/recorder-schema.js';

export interface PgChainEvent {
  readonly type: string;
  readonly actor: string;
  readonly payload: Record<string, unknown>;
}

interface ChainRow {
  seq: string;
  event_id: string;
  ts: string;
  actor: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

/**
 * Appends one event in the caller's open transaction, in audit-chain's format
 * (the same `eventHash`, canonical payload and genesis hash as the SQLite
 * chain). The lock on the chain's lock row is held until the caller's row
 * and this event commit together, so no two instances read the same head.
 */
export async function appendPgChain(client: PgClient, event: PgChainEvent): Promise<ChainHead> {
  // Serialises appends across every instance sharing the database: one chain per database.
  await client.query(`SELECT id FROM ${CHAIN_LOCK_TABLE} WHERE id = 1 FOR UPDATE`);
  const head = await client.query<{ seq: string; hash: string }>(
    `SELECT seq, hash FROM ${PG_CHAIN_TABLE} ORDER BY seq DESC LIMIT 1`,
  );
  const prev = head.rows[0];
  const seq = prev === undefined ? 1 : Number(prev.seq) + 1;
  const prevHash = prev?.hash ?? GENESIS_HASH;
  const eventId = randomUUID();
  const ts = new Date().toISOString();
  const payloadJson = canonicalJson(event.payload);
  const hash = eventHash(prevHash, { seq, eventId, ts, actor: event.actor, type: event.type, payloadJson });
  await client.query(
    `INSERT INTO ${PG_CHAIN_TABLE} (seq, event_id, ts, actor, type, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [seq, eventId, ts, event.actor, event.type, payloadJson, prevHash, hash],
  );
  return { seq, hash };
}

export async function pgChainHead(pool: PgPool): Promise<ChainHead | null> {
  const { rows } = await pool.query<{ seq: string; hash: string }>(
    `SELECT seq, hash FROM ${PG_CHAIN_TABLE} ORDER BY seq DESC LIMIT 1`,
  );
  return rows[0] === undefined ? null : { seq: Number(rows[0].seq), hash: rows[0].hash };
}

export type PgChainVerify =
  | { ok: true; count: number; events: Array<[type: string, payload: string]> }
  | { ok: false; count: number; problem: string };

const BATCH = 5000;

/**
 * Recomputes every link: seq without gaps from 1, each prev_hash the previous
 * hash, each hash over its stored fields. With `expectHead` (printed earlier by
 * `logs head`), that event must still be there unchanged, so a truncated tail
 * is detected too.
 */
export async function verifyPgChain(pool: PgPool, expectHead?: ChainHead): Promise<PgChainVerify> {
  const events: Array<[string, string]> = [];
  let prevHash = GENESIS_HASH;
  let expected = 1;
  let expectSeen = false;
  for (;;) {
    const { rows } = await pool.query<ChainRow>(
      `SELECT seq::text AS seq, event_id, ts, actor, type, payload, prev_hash, hash FROM ${PG_CHAIN_TABLE} WHERE ${PG_CHAIN_TABLE}.seq >= $1 ORDER BY ${PG_CHAIN_TABLE}.seq LIMIT ${BATCH}`,
      [expected],
    );
    for (const r of rows) {
      const seq = Number(r.seq);
      const broken = (why: string): PgChainVerify => ({
        ok: false,
        count: events.length,
        problem: `chain broken at seq ${seq}: ${why}`,
      });
      if (seq !== expected) return broken(`expected seq ${expected} (events deleted)`);
      if (r.prev_hash !== prevHash) return broken('prev_hash does not match the previous event');
      const hash = eventHash(prevHash, {
        seq,
        eventId: r.event_id,
        ts: r.ts,
        actor: r.actor,
        type: r.type,
        payloadJson: r.payload,
      });
      if (hash !== r.hash) return broken('hash does not match the event (event edited)');
      if (expectHead !== undefined && seq === expectHead.seq) {
        if (hash !== expectHead.hash) return broken('differs from the expected head');
        expectSeen = true;
      }
      events.push([r.type, r.payload]);
      prevHash = r.hash;
      expected += 1;
    }
    if (rows.length < BATCH) break;
  }
  if (expectHead !== undefined && !expectSeen) {
    return {
      ok: false,
      count: events.length,
      problem: `the expected head ${expectHead.seq}:${expectHead.hash} is not in the chain (${events.length} events): newest events deleted`,
    };
  }
  return { ok: true, count: events.length, events };
}
