import fs from 'node:fs';
import path from 'node:path';
import { openSqlite } from 'audit-chain';
import { writeSnapshot } from '../../audit/snapshot/snapshot.js';
import { verifySnapshots } from '../../audit/snapshot/verify.js';
import { defaultKeyPath, resolveAuditSigning } from '../../store/auditSigning.js';
import { parse, DB_OPTION } from '../args.js';
import { EXIT_VERIFY_FAILED, EXIT_OK, printJson, UsageError, type CliIo } from '../io.js';
import { existingDbPathOf } from '../settings.js';

export const SNAPSHOT_HELP = `usage: closegate-engine audit snapshot --to DIR [--db PATH] [--json]
  Appends one signed segment to DIR: the events after the last segment's head
  up to the newest signed head (<segment>.jsonl, <segment>.heads.jsonl,
  <segment>.manifest.json and its Ed25519 .sig). Existing files are never
  rewritten; nothing is written when no new signed head exists. Ship each new
  file to storage with a retention lock (see the README).
  audit verify-snapshots DIR --public-key FILE [--json]
  Restores the chain from every segment and verifies it (exit 0 intact, 3 broken).`;

export function snapshotCommand(argv: string[], io: CliIo): number {
  const { values } = parse(argv, { ...DB_OPTION, to: { type: 'string' } }, SNAPSHOT_HELP);
  if (values.help) return (io.out(SNAPSHOT_HELP), EXIT_OK);
  if (values.to === undefined) throw new UsageError('--to DIR is required', SNAPSHOT_HELP);
  const dbPath = existingDbPathOf(values.db, io);
  if (!fs.existsSync(dbPath)) throw new UsageError(`no database at ${dbPath}`, SNAPSHOT_HELP);
  const keyFromEnv =
    (io.env.CLOSEGATE_AUDIT_KEY_PEM ?? '') !== '' || (io.env.CLOSEGATE_AUDIT_KEY ?? '') !== '';
  if (!keyFromEnv && !fs.existsSync(defaultKeyPath(dbPath)))
    throw new UsageError(
      `no audit signing key at ${defaultKeyPath(dbPath)} (set CLOSEGATE_AUDIT_KEY)`,
      SNAPSHOT_HELP,
    );
  const signer = resolveAuditSigning(dbPath, io.env)!.signer;
  const db = openSqlite(dbPath, { readonly: true });
  try {
    const r = writeSnapshot(db, path.resolve(io.cwd, values.to), signer);
    if (values.json) printJson(io, r);
    else
      io.out(
        r.written === null
          ? 'no new signed events since the last snapshot'
          : `wrote ${r.written} (seq ${r.fromSeq}..${r.toSeq})`,
      );
    return EXIT_OK;
  } finally {
    db.close();
  }
}

export function verifySnapshotsCommand(argv: string[], io: CliIo): number {
  const { values, positionals } = parse(argv, { 'public-key': { type: 'string' } }, SNAPSHOT_HELP, 1);
  if (values.help) return (io.out(SNAPSHOT_HELP), EXIT_OK);
  const dir = positionals[0];
  if (dir === undefined || values['public-key'] === undefined)
    throw new UsageError('DIR and --public-key FILE are required', SNAPSHOT_HELP);
  const pem = fs.readFileSync(path.resolve(io.cwd, values['public-key']), 'utf8');
  const r = verifySnapshots(path.resolve(io.cwd, dir), pem);
  if (values.json) printJson(io, r);
  else if (r.ok) io.out(`snapshots valid: ${r.segments} segments, ${r.events} events restored and verified`);
  else {
    io.out(`SNAPSHOTS INVALID: ${r.problems.length} problem(s)`);
    for (const p of r.problems) io.out(`  ${p}`);
  }
  return r.ok ? EXIT_OK : EXIT_VERIFY_FAILED;
}
