import crypto from 'node:crypto';
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { AuditChain, type ChainHead, type VerifyResult } from 'audit-chain';
import { defaultHeadLogPath, defaultKeyPath } from '../store/auditSigning.js';
import { AUDIT_TABLE } from '../store/index.js';
import { verifyState, type StateReplayReport } from './replay/index.js';
import { checkSchema, type SchemaCheck } from './schemaCheck.js';

export { EXPECTED_SCHEMA_VERSION, type SchemaCheck } from './schemaCheck.js';

export interface ReconVerifyOptions {
  /** Trusted Ed25519 public key (SPKI PEM text). Without it signatures are not checked. */
  publicKeyPem?: string;
  /** Side file of signed heads; `required` makes a missing file a failure. */
  headLog?: { file: string; required: boolean };
  allSignatures?: boolean;
  expectHead?: ChainHead;
  onProgress?: (seq: number) => void;
  /** Also rebuild the state from the events and compare it with the tables. */
  state?: boolean;
}

export interface ReconVerifyReport {
  ok: boolean;
  chain: VerifyResult;
  /** Whether head signatures were checked (a public key was available). */
  signaturesChecked: boolean;
  /** ok for this build's schema and an older one (verified as it is, never migrated here). */
  schema: SchemaCheck;
  /** Present with `state: true` and an intact chain. */
  state?: StateReplayReport;
}

/** Chain walk + signed heads + triggers + schema version of a recon database (read-only connection). */
export function verifyRecon(db: Database.Database, opts: ReconVerifyOptions): ReconVerifyReport {
  const chain = new AuditChain(db, { table: AUDIT_TABLE });
  const headLog = opts.headLog;
  const useLog = headLog !== undefined && (headLog.required || fs.existsSync(headLog.file));
  const result = chain.verify({
    ...(opts.expectHead ? { expectHead: opts.expectHead } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.publicKeyPem !== undefined ? { publicKey: opts.publicKeyPem } : {}),
    ...(useLog ? { headLog: headLog.file } : {}),
    ...(opts.allSignatures ? { allSignatures: true } : {}),
  });
  // an older schema is still a book whose chain and events this build reads; a newer one or a
  // file that is not a book fails here (the CLI refuses those before walking the chain)
  const schema = checkSchema(db);
  const report: ReconVerifyReport = {
    ok: result.ok && schema.ok,
    chain: result,
    signaturesChecked: opts.publicKeyPem !== undefined,
    schema,
  };
  // the events are only evidence once the chain holds
  if (opts.state === true && result.ok && schema.ok) {
    report.state = verifyState(db);
    report.ok = report.ok && report.state.ok;
  }
  return report;
}

/**
 * The public key to check against when none was passed: CLOSEGATE_AUDIT_PUBLIC_KEY
 * (a PEM file), else the public half of the engine's signing key if it exists
 * (never created here). Undefined: signatures cannot be checked.
 */
export function defaultPublicKeyPem(dbPath: string, env: NodeJS.ProcessEnv): string | undefined {
  const pubFile = env.CLOSEGATE_AUDIT_PUBLIC_KEY;
  if (pubFile !== undefined && pubFile !== '') return fs.readFileSync(pubFile, 'utf8');
  const pem = env.CLOSEGATE_AUDIT_KEY_PEM;
  const keyFile =
    env.CLOSEGATE_AUDIT_KEY !== undefined && env.CLOSEGATE_AUDIT_KEY !== ''
      ? env.CLOSEGATE_AUDIT_KEY
      : defaultKeyPath(dbPath);
  let privatePem: string | undefined;
  if (pem !== undefined && pem !== '') privatePem = pem;
  else if (fs.existsSync(keyFile)) privatePem = fs.readFileSync(keyFile, 'utf8');
  if (privatePem === undefined) return undefined;
  return crypto
    .createPublicKey(crypto.createPrivateKey(privatePem))
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

export function defaultHeadLog(dbPath: string, env: NodeJS.ProcessEnv): string {
  const fromEnv = env.CLOSEGATE_AUDIT_HEAD_LOG;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : defaultHeadLogPath(dbPath);
}
