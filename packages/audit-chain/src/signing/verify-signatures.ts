import fs from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ChainHead, VerifyFailureReason } from '../chain/types.js';
import { signedHeadMessage, type SignedHead } from './head-message.js';
import { readHeadLog } from './head-log.js';
import { headsTableExists, headsTableOf, toSignedHead } from './heads-store.js';
import { keyAt, keyLineage, verifySignature, type LineageKey } from './lineage.js';

export interface SignatureCheckOptions {
  /** The trusted Ed25519 public key (any key of the chain's rotation lineage). */
  publicKey: KeyObject;
  /** Side file of signed heads (truncation check). Missing file with a non-empty chain fails. */
  headLog?: string;
  /** Check every head's signature, not only the newest and the rotation heads. */
  allSignatures?: boolean;
}

/** What the signature check established. */
export interface SignatureReport {
  heads: number;
  signaturesChecked: number;
  latest: SignedHead | null;
  keyIds: string[];
  headLogLatestSeq?: number;
}

export interface SignatureFailure {
  reason: VerifyFailureReason;
  brokenSeq: number;
  message: string;
}

/**
 * Runs after the hash walk found the chain internally consistent up to
 * `last`. Every head must match the chain's hash at its seq; the newest head
 * must be the chain's last event (else the tail was appended without the key);
 * each head carries the key id its seq calls for; the newest head and every
 * rotation head are signature-checked (all of them with allSignatures: one
 * valid signature over the last hash covers every earlier event already).
 */
export function checkSignatures(
  db: Database.Database,
  table: string,
  last: ChainHead | null,
  opts: SignatureCheckOptions,
): SignatureReport | SignatureFailure {
  const lineage = keyLineage(db, table, opts.publicKey);
  if (!lineage.ok) return { reason: 'untrusted_key', brokenSeq: lineage.seq, message: lineage.message };
  const keys = lineage.keys;
  const lastSeq = last?.seq ?? 0;
  const heads = headsTableOf(table);
  const hasHeads = headsTableExists(db, table);
  const headCount = hasHeads ? (db.prepare(`SELECT count(*) FROM ${heads}`).pluck().get() as number) : 0;
  const mismatch = hasHeads
    ? (db
        .prepare(
          `SELECT h.seq AS seq, e.hash AS stored FROM ${heads} h LEFT JOIN ${table} e ON e.seq = h.seq WHERE e.hash IS NULL OR e.hash <> h.hash ORDER BY h.seq LIMIT 1`,
        )
        .get() as { seq: number; stored: string | null } | undefined)
    : undefined;
  if (mismatch !== undefined) {
    return mismatch.stored === null && mismatch.seq > lastSeq
      ? {
          reason: 'truncated',
          brokenSeq: lastSeq + 1,
          message: `a signed head names seq ${mismatch.seq} but the chain ends at seq ${lastSeq} (tail truncated)`,
        }
      : {
          reason: 'signed_head_mismatch',
          brokenSeq: mismatch.seq,
          message: `seq ${mismatch.seq}: the chain's hash differs from the signed head (history rewritten and re-hashed at or before it)`,
        };
  }
  const latestRow = hasHeads
    ? db.prepare(`SELECT seq, hash, ts, key_id, sig FROM ${heads} ORDER BY seq DESC LIMIT 1`).get()
    : undefined;
  const latest =
    latestRow === undefined ? null : toSignedHead(latestRow as Parameters<typeof toSignedHead>[0]);
  if ((latest?.seq ?? 0) < lastSeq) {
    const from = (latest?.seq ?? 0) + 1;
    return {
      reason: 'unsigned_tail',
      brokenSeq: from,
      message: `events ${from}..${lastSeq} are covered by no signed head: appended without the signing key`,
    };
  }
  const wrongKey = hasHeads ? firstWrongKey(db, heads, keys) : null;
  if (wrongKey !== null) return wrongKey;
  let checked = 0;
  const check = (h: SignedHead): SignatureFailure | null => {
    checked++;
    const key = keyAt(keys, h.seq);
    return verifySignature(key.key, signedHeadMessage(table, h.seq, h.hash, h.ts, h.keyId), h.sig)
      ? null
      : {
          reason: 'signature_invalid',
          brokenSeq: h.seq,
          message: `seq ${h.seq}: the head's signature is not valid under key ${key.keyId}`,
        };
  };
  const toCheck =
    opts.allSignatures === true && hasHeads ? allHeads(db, heads) : rotationHeads(db, heads, keys);
  if (latest !== null && !toCheck.some((h) => h.seq === latest.seq)) toCheck.push(latest);
  for (const h of toCheck) {
    const bad = check(h);
    if (bad !== null) return bad;
  }
  const report: SignatureReport = {
    heads: headCount,
    signaturesChecked: checked,
    latest,
    keyIds: keys.map((k) => k.keyId),
  };
  if (opts.headLog !== undefined) {
    const logged = checkHeadLog(db, table, keys, lastSeq, opts.headLog);
    if ('reason' in logged) return logged;
    report.headLogLatestSeq = logged.latestSeq;
  }
  return report;
}

function firstWrongKey(
  db: Database.Database,
  heads: string,
  keys: readonly LineageKey[],
): SignatureFailure | null {
  for (const k of keys) {
    const upTo = Number.isFinite(k.toSeq) ? k.toSeq : Number.MAX_SAFE_INTEGER;
    const bad = db
      .prepare(
        `SELECT seq, key_id FROM ${heads} WHERE seq >= ? AND seq <= ? AND key_id <> ? ORDER BY seq LIMIT 1`,
      )
      .get(k.fromSeq, upTo, k.keyId) as { seq: number; key_id: string } | undefined;
    if (bad !== undefined) {
      return {
        reason: 'signature_invalid',
        brokenSeq: bad.seq,
        message: `seq ${bad.seq}: head claims key ${bad.key_id}, but key ${k.keyId} was the signing key then`,
      };
    }
    if (Number.isFinite(k.toSeq)) {
      const sealed = db.prepare(`SELECT 1 FROM ${heads} WHERE seq = ?`).get(k.toSeq);
      if (sealed === undefined) {
        return {
          reason: 'key_rotation_invalid',
          brokenSeq: k.toSeq,
          message: `seq ${k.toSeq}: the key rotation event was not sealed by the previous key`,
        };
      }
    }
  }
  return null;
}

function allHeads(db: Database.Database, heads: string): SignedHead[] {
  return (db.prepare(`SELECT seq, hash, ts, key_id, sig FROM ${heads} ORDER BY seq`).all() as never[]).map(
    toSignedHead,
  );
}

function rotationHeads(db: Database.Database, heads: string, keys: readonly LineageKey[]): SignedHead[] {
  const stmt = db.prepare(`SELECT seq, hash, ts, key_id, sig FROM ${heads} WHERE seq = ?`);
  const out: SignedHead[] = [];
  for (const k of keys) {
    if (!Number.isFinite(k.toSeq)) continue;
    const row = stmt.get(k.toSeq);
    if (row !== undefined) out.push(toSignedHead(row as never));
  }
  return out;
}

function checkHeadLog(
  db: Database.Database,
  table: string,
  keys: readonly LineageKey[],
  lastSeq: number,
  file: string,
): { latestSeq: number } | SignatureFailure {
  if (!fs.existsSync(file)) {
    return lastSeq === 0
      ? { latestSeq: 0 }
      : { reason: 'head_log_missing', brokenSeq: 0, message: `the signed-head side file ${file} is missing` };
  }
  const { heads, badLines } = readHeadLog(file, table);
  if (badLines > 0) {
    return {
      reason: 'head_log_invalid',
      brokenSeq: 0,
      message: `${file}: ${badLines} line(s) are not signed heads`,
    };
  }
  let newest: SignedHead | null = null;
  for (const h of heads) if (newest === null || h.seq > newest.seq) newest = h;
  if (newest === null) return { latestSeq: 0 };
  const key = keyAt(keys, newest.seq);
  if (
    !verifySignature(
      key.key,
      signedHeadMessage(table, newest.seq, newest.hash, newest.ts, newest.keyId),
      newest.sig,
    )
  ) {
    return {
      reason: 'head_log_invalid',
      brokenSeq: newest.seq,
      message: `${file}: the newest head (seq ${newest.seq}) has no valid signature`,
    };
  }
  if (newest.seq > lastSeq) {
    return {
      reason: 'truncated',
      brokenSeq: lastSeq + 1,
      message: `the side file's signed head is seq ${newest.seq} but the chain ends at seq ${lastSeq}: events ${lastSeq + 1}..${newest.seq} were removed (tail truncated)`,
    };
  }
  const stored = db.prepare(`SELECT hash FROM ${table} WHERE seq = ?`).pluck().get(newest.seq);
  if (stored !== newest.hash) {
    return {
      reason: 'head_mismatch',
      brokenSeq: newest.seq,
      message: `seq ${newest.seq}: the chain's hash differs from the side file's signed head (rewritten)`,
    };
  }
  return { latestSeq: newest.seq };
}
