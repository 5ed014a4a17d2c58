import { hash } from 'node:crypto';
import { canonicalJson } from 'audit-chain';
import type { RequestColumn, RequestRow } from './schema.js';

/** One-shot `crypto.hash` (UTF-8 for strings): no Hash object per digest, ~3x faster on a row. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Digest of the given columns of a row: what the chain commits to. */
export function rowDigest(row: Partial<RequestRow>, columns: readonly RequestColumn[]): string {
  const picked: Record<string, string | number | null> = {};
  for (const c of columns) picked[c] = row[c] ?? null;
  return sha256Hex(canonicalJson(picked));
}
