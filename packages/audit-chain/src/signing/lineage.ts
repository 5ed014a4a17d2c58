import crypto, { type KeyObject } from 'node:crypto';
import type Database from 'better-sqlite3';
import { keyIdOf, publicKeyFromPem } from './keys.js';
import { KEY_ROTATED_EVENT } from './sealer.js';

/** One key of a chain's key lineage: it signs heads with `fromSeq <= seq <= toSeq`. */
export interface LineageKey {
  keyId: string;
  key: KeyObject;
  fromSeq: number;
  /** Inclusive; Infinity for the current key. The head at toSeq (the rotation event) is its last. */
  toSeq: number;
}

export type Lineage = { ok: true; keys: LineageKey[] } | { ok: false; seq: number; message: string };

/**
 * The keys that signed a chain, from its AUDIT_KEY_ROTATED events: each names
 * the previous and the new public key and is sealed by the previous one. The
 * trusted key (the verifier's only input) must be one of them; every other key
 * is then vouched for by the chain itself, whose heads that key signed.
 */
export function keyLineage(db: Database.Database, table: string, trusted: KeyObject): Lineage {
  const rows = db
    .prepare(`SELECT seq, payload FROM ${table} WHERE type = ? ORDER BY seq`)
    .all(KEY_ROTATED_EVENT) as { seq: number; payload: string }[];
  const trustedId = keyIdOf(trusted);
  if (rows.length === 0)
    return { ok: true, keys: [{ keyId: trustedId, key: trusted, fromSeq: 1, toSeq: Infinity }] };
  const keys: LineageKey[] = [];
  for (const [i, row] of rows.entries()) {
    let p: Record<string, unknown>;
    let prev: KeyObject;
    let next: KeyObject;
    try {
      p = JSON.parse(row.payload) as Record<string, unknown>;
      prev = publicKeyFromPem(String(p.previous_public_key));
      next = publicKeyFromPem(String(p.public_key));
    } catch {
      return {
        ok: false,
        seq: row.seq,
        message: `seq ${row.seq}: key rotation event does not name two Ed25519 public keys`,
      };
    }
    if (keyIdOf(prev) !== p.previous_key_id || keyIdOf(next) !== p.key_id) {
      return {
        ok: false,
        seq: row.seq,
        message: `seq ${row.seq}: key rotation event's key ids do not match its keys`,
      };
    }
    if (i === 0) keys.push({ keyId: keyIdOf(prev), key: prev, fromSeq: 1, toSeq: row.seq });
    else if (keys.at(-1)!.keyId !== keyIdOf(prev)) {
      return {
        ok: false,
        seq: row.seq,
        message: `seq ${row.seq}: key rotation starts from a key that was not current`,
      };
    } else keys.at(-1)!.toSeq = row.seq;
    keys.push({ keyId: keyIdOf(next), key: next, fromSeq: row.seq + 1, toSeq: Infinity });
  }
  if (!keys.some((k) => k.keyId === trustedId)) {
    return {
      ok: false,
      seq: 0,
      message: `the trusted public key ${trustedId} is not one of the keys that signed this chain (${keys.map((k) => k.keyId).join(', ')})`,
    };
  }
  return { ok: true, keys };
}

export function keyAt(keys: readonly LineageKey[], seq: number): LineageKey {
  return keys.find((k) => seq >= k.fromSeq && seq <= k.toSeq) ?? keys.at(-1)!;
}

export function verifySignature(key: KeyObject, message: Buffer, sigB64: string): boolean {
  try {
    return crypto.verify(null, message, key, Buffer.from(sigB64, 'base64'));
  } catch {
    return false;
  }
}
