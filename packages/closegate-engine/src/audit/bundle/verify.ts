import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  AuditChain,
  headsSchemaSql,
  keyIdOf,
  parseSignedHeadLine,
  publicKeyFromPem,
  type VerifyResult,
} from 'audit-chain';
import { AUDIT_TABLE } from '../../store/index.js';
import {
  BUNDLE_FORMAT,
  MANIFEST,
  MANIFEST_SIG,
  manifestMessage,
  sha256Hex,
  type BundleManifest,
} from './manifest.js';

export interface BundleCheck {
  ok: boolean;
  problems: string[];
  events: number;
  chain?: VerifyResult;
  manifest?: BundleManifest;
}

/**
 * Checks an evidence bundle offline with only the public key: the manifest's
 * signature, every file's SHA-256 (and no file missing or added), the hash
 * chain rebuilt from audit_events.jsonl, its signed heads (key lineage), and
 * that the manifest's head is the chain's last signed head.
 */
export function verifyBundle(dir: string, publicKeyPem: string): BundleCheck {
  const problems: string[] = [];
  const key = publicKeyFromPem(publicKeyPem);
  const read = (name: string): Buffer | undefined => {
    try {
      return fs.readFileSync(path.join(dir, name));
    } catch {
      problems.push(`${name} is missing`);
      return undefined;
    }
  };
  const bytes = read(MANIFEST);
  const sig = read(MANIFEST_SIG);
  if (bytes === undefined || sig === undefined) return { ok: false, problems, events: 0 };
  let signed = false;
  try {
    signed = crypto.verify(
      null,
      manifestMessage(bytes),
      key,
      Buffer.from(sig.toString('utf8').trim(), 'base64'),
    );
  } catch {
    signed = false;
  }
  if (!signed) problems.push(`${MANIFEST} is not signed by the given public key (${keyIdOf(key)})`);
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as BundleManifest;
  } catch {
    return { ok: false, problems: [...problems, `${MANIFEST} is not JSON`], events: 0 };
  }
  if (manifest.format !== BUNDLE_FORMAT) problems.push(`unknown bundle format ${String(manifest.format)}`);
  const listed = new Set(Object.keys(manifest.files ?? {}));
  for (const [name, want] of Object.entries(manifest.files ?? {})) {
    const data = read(name);
    if (data !== undefined && sha256Hex(data) !== want)
      problems.push(`${name}: SHA-256 differs from the manifest`);
  }
  for (const name of fs.readdirSync(dir))
    if (name !== MANIFEST && name !== MANIFEST_SIG && !listed.has(name))
      problems.push(`${name} is not in the manifest`);
  const { chain, events } = rebuildChain(dir, publicKeyPem, problems);
  if (chain !== undefined) {
    if (!chain.ok) problems.push(`audit chain: ${chain.reason} at seq ${chain.brokenSeq}: ${chain.message}`);
    const last = chain.ok ? chain.head : null;
    if (chain.ok && (last?.seq !== manifest.head?.seq || last?.hash !== manifest.head?.hash))
      problems.push("the manifest's head is not the last event of audit_events.jsonl");
    if (chain.ok && chain.signatures?.latest?.sig !== manifest.signedHead?.sig)
      problems.push("the manifest's signed head is not the newest signed head");
  }
  return { ok: problems.length === 0, problems, events, ...(chain ? { chain } : {}), manifest };
}

/** Loads the exported events and heads into a scratch in-memory chain and verifies it with the key. */
function rebuildChain(
  dir: string,
  publicKeyPem: string,
  problems: string[],
): { chain?: VerifyResult; events: number } {
  let eventsText: string;
  let headsText: string;
  try {
    eventsText = fs.readFileSync(path.join(dir, 'audit_events.jsonl'), 'utf8');
    headsText = fs.readFileSync(path.join(dir, 'signed_heads.jsonl'), 'utf8');
  } catch {
    return { events: 0 }; // already reported as missing
  }
  try {
    return verifyEventLines(eventsText.split('\n'), headsText.split('\n'), publicKeyPem);
  } catch (err) {
    problems.push(`audit_events.jsonl / signed_heads.jsonl cannot be loaded: ${(err as Error).message}`);
    return { events: 0 };
  }
}

/**
 * Verifies exported event lines (as audit_events.jsonl writes them) and
 * signed-head lines in a scratch in-memory chain: hashes, links, every
 * signature and the key lineage, exactly as `audit verify` does on a database.
 */
export function verifyEventLines(
  eventLines: Iterable<string>,
  headLines: Iterable<string>,
  publicKeyPem: string,
): { chain: VerifyResult; events: number } {
  const db = new Database(':memory:');
  try {
    const chain = new AuditChain(db, { table: AUDIT_TABLE });
    db.exec(headsSchemaSql(AUDIT_TABLE));
    const insert = db.prepare(
      `INSERT INTO ${AUDIT_TABLE} (seq, event_id, ts, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertHead = db.prepare(
      `INSERT OR IGNORE INTO ${AUDIT_TABLE}_heads (seq, hash, ts, key_id, sig) VALUES (?, ?, ?, ?, ?)`,
    );
    let events = 0;
    db.transaction(() => {
      for (const line of eventLines) {
        if (line === '') continue;
        const e = JSON.parse(line) as Record<string, unknown>;
        insert.run(e.seq, e.event_id, e.ts, e.actor, e.type, e.payload, e.prev_hash, e.hash);
        events++;
      }
      for (const line of headLines) {
        if (line === '') continue;
        const h = parseSignedHeadLine(line);
        if (h === null) throw new Error('a signed-head line is not a signed head');
        insertHead.run(h.seq, h.hash, h.ts, h.keyId, h.sig);
      }
    })();
    return { chain: chain.verify({ publicKey: publicKeyPem, allSignatures: true }), events };
  } finally {
    db.close();
  }
}
