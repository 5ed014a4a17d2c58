/** One signed head as stored in the heads table, the side file, exports and snapshots. */
export interface SignedHead {
  seq: number;
  hash: string;
  /** When it was signed (UTC ISO-8601). */
  ts: string;
  keyId: string;
  /** Ed25519 signature, base64. */
  sig: string;
}

/**
 * The exact bytes that are signed (ASCII, `|`-separated, domain-separated so a
 * signature cannot be replayed as anything else; the table name keeps heads of
 * two chains signed with one key apart):
 *
 *   audit-chain/signed-head/v1|TABLE|SEQ|HASH|TS|KEY_ID
 */
export function signedHeadMessage(
  table: string,
  seq: number,
  hash: string,
  ts: string,
  keyId: string,
): Buffer {
  return Buffer.from(`audit-chain/signed-head/v1|${table}|${seq}|${hash}|${ts}|${keyId}`, 'utf8');
}

/** JSONL line of the side file and of exports (snake_case, one object per line). */
export function signedHeadLine(table: string, h: SignedHead): string {
  return JSON.stringify({ table, seq: h.seq, hash: h.hash, ts: h.ts, key_id: h.keyId, sig: h.sig });
}

/** Parses one line written by {@link signedHeadLine}; null when it is not one. */
export function parseSignedHeadLine(line: string): (SignedHead & { table: string }) | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (
    typeof o.table !== 'string' ||
    !Number.isSafeInteger(o.seq) ||
    typeof o.hash !== 'string' ||
    typeof o.ts !== 'string' ||
    typeof o.key_id !== 'string' ||
    typeof o.sig !== 'string'
  )
    return null;
  return { table: o.table, seq: o.seq as number, hash: o.hash, ts: o.ts, keyId: o.key_id, sig: o.sig };
}
