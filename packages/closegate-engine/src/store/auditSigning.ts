import path from 'node:path';
import { loadOrCreateKeyFile, signerFromPrivateKey, type HeadSigner } from 'audit-chain';

/** How the recon store signs its audit chain's heads (see README "Signed audit heads"). */
export interface AuditSigning {
  signer: HeadSigner;
  /** Side file every signed head is appended to (truncation evidence outside the database). */
  headLog: string;
  /** Where the key came from, for messages: a file path or `env:CLOSEGATE_AUDIT_KEY_PEM`. */
  keySource: string;
}

/** Default key file: next to the database, `audit-signing.key` (0600, created on first use). */
export function defaultKeyPath(dbPath: string): string {
  return path.join(path.dirname(path.resolve(dbPath)), 'audit-signing.key');
}

/** Default side file of signed heads: `<db>.audit-heads.jsonl`. */
export function defaultHeadLogPath(dbPath: string): string {
  return `${path.resolve(dbPath)}.audit-heads.jsonl`;
}

/**
 * The signing key lives outside the database: CLOSEGATE_AUDIT_KEY_PEM (the
 * PKCS#8 PEM itself, e.g. injected by a secrets manager), else the file at
 * CLOSEGATE_AUDIT_KEY, else `audit-signing.key` next to the database (created
 * 0600 on first use). CLOSEGATE_AUDIT_HEAD_LOG moves the side file.
 * An in-memory database gets no default key (nothing outlives it).
 */
export function resolveAuditSigning(
  dbPath: string,
  env: NodeJS.ProcessEnv = process.env,
): AuditSigning | undefined {
  const headLog = nonEmpty(env.CLOSEGATE_AUDIT_HEAD_LOG) ?? defaultHeadLogPath(dbPath);
  const pem = nonEmpty(env.CLOSEGATE_AUDIT_KEY_PEM);
  if (pem !== undefined)
    return { signer: signerFromPrivateKey(pem), headLog, keySource: 'env:CLOSEGATE_AUDIT_KEY_PEM' };
  const keyFile = nonEmpty(env.CLOSEGATE_AUDIT_KEY);
  if (keyFile === undefined && dbPath === ':memory:') return undefined;
  const file = keyFile ?? defaultKeyPath(dbPath);
  return { signer: loadOrCreateKeyFile(file), headLog, keySource: file };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
