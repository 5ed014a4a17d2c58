import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { allSignedHeads, signedHeadLine, type HeadSigner } from 'audit-chain';
import { loadPolicy } from 'closegate-policy';
import { AUDIT_TABLE } from '../../store/index.js';
import { verifyRecon, type ReconVerifyReport } from '../verifyRecon.js';
import { controlsMarkdown } from './controls.js';
import {
  BUNDLE_FORMAT,
  MANIFEST,
  MANIFEST_SIG,
  manifestMessage,
  sha256Hex,
  type BundleManifest,
} from './manifest.js';
import { escalationsCsv, exceptionsCsv, matchesCsv, type BundleFilter } from './tables.js';

export interface ExportOptions {
  outDir: string;
  filter: BundleFilter;
  /** Signs MANIFEST.json (the engine's audit signing key). */
  signer: HeadSigner;
  policyText: string;
  headLog?: { file: string; required: boolean };
  now?: () => Date;
}

export interface ExportResult {
  outDir: string;
  files: string[];
  manifest: BundleManifest;
  verification: ReconVerifyReport;
}

/**
 * Writes the PBC evidence bundle (see README "Evidence bundle"). The whole
 * chain goes in (a chain cannot be checked in part); the filter narrows the
 * CSVs. The bundle is written even when verification fails: the failure is
 * the evidence, recorded in verification.json.
 */
export function exportBundle(db: Database.Database, opts: ExportOptions): ExportResult {
  const dir = path.resolve(opts.outDir);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw new Error(`${dir} is not empty: an evidence bundle is written into a new or empty directory`);
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const now = (opts.now ?? (() => new Date()))().toISOString();
  const files: Record<string, string> = {};
  const write = (name: string, data: string | Buffer): void => {
    fs.writeFileSync(path.join(dir, name), data, { mode: 0o600, flag: 'wx' });
    files[name] = sha256Hex(data);
  };
  db.exec('BEGIN'); // one read snapshot for every file
  try {
    const verification = verifyRecon(db, {
      publicKeyPem: opts.signer.publicKeyPem,
      state: true,
      ...(opts.headLog !== undefined ? { headLog: opts.headLog } : {}),
    });
    writeEvents(db, path.join(dir, 'audit_events.jsonl'), files);
    const heads = allSignedHeadsOrEmpty(db);
    write('signed_heads.jsonl', heads.map((h) => signedHeadLine(AUDIT_TABLE, h) + '\n').join(''));
    const policy = loadPolicy(opts.policyText);
    write('policy.yaml', opts.policyText);
    write('matches.csv', matchesCsv(db, opts.filter));
    write('escalations.csv', escalationsCsv(db, opts.filter));
    write('exceptions.csv', exceptionsCsv(db, opts.filter));
    write('controls.md', controlsMarkdown());
    write('public_key.pem', opts.signer.publicKeyPem);
    write('verification.json', JSON.stringify({ generatedAt: now, ...verification }, null, 2) + '\n');
    const last = db.prepare(`SELECT seq, hash FROM ${AUDIT_TABLE} ORDER BY seq DESC LIMIT 1`).get() as
      { seq: number; hash: string } | undefined;
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      createdAt: now,
      filter: opts.filter,
      policy: { file: 'policy.yaml', version: policy.version, sha256: files['policy.yaml']! },
      head: last ?? null,
      signedHead: heads.at(-1) ?? null,
      keyId: opts.signer.keyId,
      files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))),
    };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
    fs.writeFileSync(path.join(dir, MANIFEST), bytes, { mode: 0o600, flag: 'wx' });
    const sig = Buffer.from(opts.signer.sign(manifestMessage(bytes))).toString('base64');
    fs.writeFileSync(path.join(dir, MANIFEST_SIG), sig + '\n', { mode: 0o600, flag: 'wx' });
    return { outDir: dir, files: [...Object.keys(files), MANIFEST, MANIFEST_SIG], manifest, verification };
  } finally {
    db.exec('COMMIT');
  }
}

function allSignedHeadsOrEmpty(db: Database.Database) {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
    .get(`${AUDIT_TABLE}_heads`);
  return exists === undefined ? [] : allSignedHeads(db, AUDIT_TABLE);
}

/** One JSON line per event; `payload` is the stored canonical JSON text (what the hash covers), verbatim. */
function writeEvents(db: Database.Database, file: string, files: Record<string, string>): void {
  const fd = fs.openSync(file, 'wx', 0o600);
  const hash = crypto.createHash('sha256');
  try {
    let buf = '';
    const stmt = db
      .prepare(
        `SELECT seq, event_id, ts, actor, type, payload, prev_hash, hash FROM ${AUDIT_TABLE} ORDER BY seq`,
      )
      .raw(true);
    for (const [seq, eventId, ts, actor, type, payload, prev, h] of stmt.iterate() as Iterable<unknown[]>) {
      buf +=
        JSON.stringify({ seq, event_id: eventId, ts, actor, type, payload, prev_hash: prev, hash: h }) + '\n';
      if (buf.length > 1 << 20) {
        hash.update(buf);
        fs.writeSync(fd, buf);
        buf = '';
      }
    }
    hash.update(buf);
    fs.writeSync(fd, buf);
  } finally {
    fs.closeSync(fd);
  }
  files['audit_events.jsonl'] = hash.digest('hex');
}
