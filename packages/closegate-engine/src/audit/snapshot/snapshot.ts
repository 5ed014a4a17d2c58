import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { allSignedHeads, signedHeadLine, type HeadSigner, type SignedHead } from 'audit-chain';
import { AUDIT_TABLE } from '../../store/index.js';
import { sha256Hex } from '../bundle/manifest.js';

export const SEGMENT_FORMAT = 'closegate-audit-segment/v1';

/** What a segment's manifest says (signed: `<name>.manifest.json.sig`). */
export interface SegmentManifest {
  format: typeof SEGMENT_FORMAT;
  /** First and last seq of the events in the segment. */
  fromSeq: number;
  toSeq: number;
  /** Hash of the event before fromSeq (the previous segment's last): the link between segments. */
  prevHash: string;
  /** The signed head at toSeq, from the database (a segment always ends at a signed head). */
  signedHead: SignedHead;
  events: { file: string; sha256: string };
  /** Every signed head in the segment's range (key rotations need theirs), one JSON line each. */
  heads: { file: string; sha256: string };
  createdAt: string;
}

const NAME = /^segment-(\d{12})-(\d{12})$/;

export function segmentName(from: number, to: number): string {
  return `segment-${String(from).padStart(12, '0')}-${String(to).padStart(12, '0')}`;
}

/** Segments already in `dir`, in seq order. */
export function listSegments(dir: string): { name: string; from: number; to: number }[] {
  if (!fs.existsSync(dir)) return [];
  const out: { name: string; from: number; to: number }[] = [];
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith('.manifest.json')) continue;
    const name = f.slice(0, -'.manifest.json'.length);
    const m = NAME.exec(name);
    if (m !== null) out.push({ name, from: Number(m[1]), to: Number(m[2]) });
  }
  return out.sort((a, b) => a.from - b.from);
}

export interface SnapshotResult {
  written: string | null;
  fromSeq: number;
  toSeq: number;
}

/**
 * Writes the events after the last snapshot's head up to the newest signed
 * head as one new segment: `<name>.jsonl` (events as in the evidence
 * bundle), `<name>.manifest.json` and its Ed25519 signature. Files are
 * created exclusively and never rewritten, so the directory only grows: ship
 * each new file to object storage under a retention lock (README).
 */
export function writeSnapshot(
  db: Database.Database,
  dir: string,
  signer: HeadSigner,
  now: () => Date = () => new Date(),
): SnapshotResult {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const last = listSegments(dir).at(-1);
  const fromSeq = (last?.to ?? 0) + 1;
  db.exec('BEGIN');
  try {
    const head = db
      .prepare(
        `SELECT seq, hash, ts, key_id AS keyId, sig FROM ${AUDIT_TABLE}_heads ORDER BY seq DESC LIMIT 1`,
      )
      .get() as SignedHead | undefined;
    if (head === undefined || head.seq < fromSeq) return { written: null, fromSeq, toSeq: fromSeq - 1 };
    const prevHash =
      fromSeq === 1
        ? '0'.repeat(64)
        : (db
            .prepare(`SELECT hash FROM ${AUDIT_TABLE} WHERE seq = ?`)
            .pluck()
            .get(fromSeq - 1) as string | undefined);
    if (
      prevHash === undefined ||
      (last !== undefined && prevHash !== readManifest(dir, last.name).signedHead.hash)
    ) {
      throw new Error(
        `the database no longer holds the last snapshot's head (seq ${fromSeq - 1}): it was truncated or rewritten; run audit verify`,
      );
    }
    const name = segmentName(fromSeq, head.seq);
    const lines: string[] = [];
    const rows = db
      .prepare(
        `SELECT seq, event_id, ts, actor, type, payload, prev_hash, hash FROM ${AUDIT_TABLE} WHERE seq >= ? AND seq <= ? ORDER BY seq`,
      )
      .raw(true);
    for (const [seq, eventId, ts, actor, type, payload, prev, h] of rows.iterate(
      fromSeq,
      head.seq,
    ) as Iterable<unknown[]>)
      lines.push(
        JSON.stringify({ seq, event_id: eventId, ts, actor, type, payload, prev_hash: prev, hash: h }),
      );
    const events = lines.join('\n') + '\n';
    const heads = allSignedHeads(db, AUDIT_TABLE, fromSeq - 1)
      .filter((h) => h.seq <= head.seq)
      .map((h) => signedHeadLine(AUDIT_TABLE, h) + '\n')
      .join('');
    fs.writeFileSync(path.join(dir, `${name}.jsonl`), events, { mode: 0o600, flag: 'wx' });
    fs.writeFileSync(path.join(dir, `${name}.heads.jsonl`), heads, { mode: 0o600, flag: 'wx' });
    const manifest: SegmentManifest = {
      format: SEGMENT_FORMAT,
      fromSeq,
      toSeq: head.seq,
      prevHash,
      signedHead: head,
      events: { file: `${name}.jsonl`, sha256: sha256Hex(events) },
      heads: { file: `${name}.heads.jsonl`, sha256: sha256Hex(heads) },
      createdAt: now().toISOString(),
    };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
    fs.writeFileSync(path.join(dir, `${name}.manifest.json`), bytes, { mode: 0o600, flag: 'wx' });
    const sig = Buffer.from(signer.sign(segmentMessage(bytes))).toString('base64');
    fs.writeFileSync(path.join(dir, `${name}.manifest.json.sig`), sig + '\n', { mode: 0o600, flag: 'wx' });
    return { written: name, fromSeq, toSeq: head.seq };
  } finally {
    db.exec('COMMIT');
  }
}

export function segmentMessage(manifestBytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${SEGMENT_FORMAT} manifest\n`, 'utf8'), manifestBytes]);
}

export function readManifest(dir: string, name: string): SegmentManifest {
  return JSON.parse(fs.readFileSync(path.join(dir, `${name}.manifest.json`), 'utf8')) as SegmentManifest;
}

/** The signed-head line of a segment's last head, as the verifier loads it. */
export function segmentHeadLine(m: SegmentManifest): string {
  return signedHeadLine(AUDIT_TABLE, m.signedHead);
}
