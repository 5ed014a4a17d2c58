import fs from 'node:fs';
import path from 'node:path';
import { openSqlite } from 'audit-chain';
import { exportBundle } from '../../audit/bundle/export.js';
import { verifyBundle } from '../../audit/bundle/verify.js';
import { defaultHeadLog } from '../../audit/verifyRecon.js';
import { resolvePolicyPath } from '../../config.js';
import { defaultKeyPath, resolveAuditSigning } from '../../store/auditSigning.js';
import { parse, DB_OPTION } from '../args.js';
import { EXIT_VERIFY_FAILED, EXIT_OK, printJson, UsageError, type CliIo } from '../io.js';
import { existingDbPathOf } from '../settings.js';

export const EXPORT_HELP = `usage: closegate-engine audit export --out DIR [--period YYYY-MM] [--entity CODE]
                                    [--db PATH] [--policy FILE] [--json]
  Writes a PBC evidence bundle into DIR (new or empty): audit_events.jsonl,
  signed_heads.jsonl, verification.json (chain, signatures, state replay),
  policy.yaml, matches.csv, escalations.csv (every vote), exceptions.csv,
  controls.md, public_key.pem, MANIFEST.json (SHA-256 of every file) and
  MANIFEST.json.sig (Ed25519, the engine's audit signing key). The whole chain
  is exported; --period/--entity narrow the CSVs. Exit 0 written and verified,
  3 written but verification failed (see verification.json).`;

export const VERIFY_BUNDLE_HELP = `usage: closegate-engine audit verify-bundle DIR --public-key FILE [--json]
  Checks a bundle offline with only the public key: manifest signature, the
  SHA-256 of every file (none missing or added), the hash chain and signed
  heads rebuilt from the bundle. Exit 0 valid, 3 invalid, 1 error, 2 usage.`;

export function exportCommand(argv: string[], io: CliIo): number {
  const opts = {
    ...DB_OPTION,
    out: { type: 'string' },
    period: { type: 'string' },
    entity: { type: 'string' },
    policy: { type: 'string' },
  } as const;
  const { values } = parse(argv, opts, EXPORT_HELP);
  if (values.help) return (io.out(EXPORT_HELP), EXIT_OK);
  if (values.out === undefined) throw new UsageError('--out DIR is required', EXPORT_HELP);
  if (values.period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.period))
    throw new UsageError('--period must be YYYY-MM', EXPORT_HELP);
  if (values.entity !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(values.entity))
    throw new UsageError('--entity must be an entity code', EXPORT_HELP);
  const dbPath = existingDbPathOf(values.db, io);
  if (!fs.existsSync(dbPath)) throw new UsageError(`no database at ${dbPath}`, EXPORT_HELP);
  const keyFromEnv =
    (io.env.CLOSEGATE_AUDIT_KEY_PEM ?? '') !== '' || (io.env.CLOSEGATE_AUDIT_KEY ?? '') !== '';
  if (!keyFromEnv && !fs.existsSync(defaultKeyPath(dbPath)))
    throw new UsageError(
      `no audit signing key at ${defaultKeyPath(dbPath)} (set CLOSEGATE_AUDIT_KEY)`,
      EXPORT_HELP,
    );
  const signing = resolveAuditSigning(dbPath, io.env)!;
  const policyText = fs.readFileSync(resolvePolicyPath(values.policy, io.env), 'utf8');
  const db = openSqlite(dbPath, { readonly: true });
  try {
    const r = exportBundle(db, {
      outDir: path.resolve(io.cwd, values.out),
      filter: { period: values.period ?? null, entity: values.entity ?? null },
      signer: signing.signer,
      policyText,
      headLog: { file: defaultHeadLog(dbPath, io.env), required: false },
    });
    if (values.json)
      printJson(io, { outDir: r.outDir, files: r.files, ok: r.verification.ok, manifest: r.manifest });
    else
      io.out(
        `evidence bundle written to ${r.outDir} (${r.files.length} files); verification ${r.verification.ok ? 'passed' : 'FAILED (see verification.json)'}`,
      );
    return r.verification.ok ? EXIT_OK : EXIT_VERIFY_FAILED;
  } finally {
    db.close();
  }
}

export function verifyBundleCommand(argv: string[], io: CliIo): number {
  const { values, positionals } = parse(argv, { 'public-key': { type: 'string' } }, VERIFY_BUNDLE_HELP, 1);
  if (values.help) return (io.out(VERIFY_BUNDLE_HELP), EXIT_OK);
  const dir = positionals[0];
  if (dir === undefined) throw new UsageError('the bundle directory is required', VERIFY_BUNDLE_HELP);
  if (values['public-key'] === undefined)
    throw new UsageError('--public-key FILE is required', VERIFY_BUNDLE_HELP);
  let pem: string;
  try {
    pem = fs.readFileSync(path.resolve(io.cwd, values['public-key']), 'utf8');
  } catch (err) {
    throw new UsageError(`--public-key: ${(err as Error).message}`, VERIFY_BUNDLE_HELP);
  }
  const r = verifyBundle(path.resolve(io.cwd, dir), pem);
  if (values.json) printJson(io, { ok: r.ok, problems: r.problems, events: r.events, chain: r.chain });
  else if (r.ok) io.out(`evidence bundle valid: ${r.events} events, manifest signed, every file matches`);
  else {
    io.out(`EVIDENCE BUNDLE INVALID: ${r.problems.length} problem(s)`);
    for (const p of r.problems) io.out(`  ${p}`);
  }
  return r.ok ? EXIT_OK : EXIT_VERIFY_FAILED;
}
