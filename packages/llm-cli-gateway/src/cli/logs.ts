import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { AuditChain, formatHead, openSqlite, type ChainHead } from 'audit-chain';
import { logsDbPath } from '../config/paths.js';
import { CHAIN_TABLE } from '../recorder/schema.js';
import { verifyRecorder, type RecorderVerifyReport } from '../recorder/verify.js';

export type LogsVerifyOutcome = { path: string | null } & (
  RecorderVerifyReport | { ok: false; problem: string }
);

/**
 * Signed heads are checked with LLM_GATEWAY_AUDIT_PUBLIC_KEY (a PEM file), else
 * the public half of the LLM_GATEWAY_AUDIT_KEY signing key when that file exists.
 */
function signedHeads(path: string, env: NodeJS.ProcessEnv): { publicKey?: string; headLog?: string } {
  const pub = env.LLM_GATEWAY_AUDIT_PUBLIC_KEY;
  const key = env.LLM_GATEWAY_AUDIT_KEY;
  let publicKey: string | undefined;
  if (pub !== undefined && pub !== '') publicKey = readFileSync(pub, 'utf8');
  else if (key !== undefined && key !== '' && existsSync(key))
    publicKey = createPublicKey(createPrivateKey(readFileSync(key, 'utf8')))
      .export({ type: 'spki', format: 'pem' })
      .toString();
  return publicKey === undefined ? {} : { publicKey, headLog: `${path}.audit-heads.jsonl` };
}

/** `logs verify`: checks the chain and every row against it, on a read-only connection. */
export function verifyLogs(env: NodeJS.ProcessEnv, expectHead?: ChainHead): LogsVerifyOutcome {
  const path = logsDbPath(env);
  if (path === null)
    return { path, ok: false, problem: 'flight recorder disabled (LLM_GATEWAY_LOGS_DB=none)' };
  if (!existsSync(path)) return { path, ok: false, problem: `${path} does not exist yet` };
  const db = openSqlite(path, { readonly: true });
  try {
    const options = { ...signedHeads(path, env), ...(expectHead ? { expectHead } : {}) };
    return { path, ...verifyRecorder(db, new AuditChain(db, { table: CHAIN_TABLE }), options) };
  } finally {
    db.close();
  }
}

export type LogsHeadOutcome = { path: string | null } & (
  { ok: true; head: string | null; seq: number; hash: string | null } | { ok: false; problem: string }
);

/** `logs head`: the chain's newest `SEQ:HASH`, to keep outside the machine and pass to `logs verify --expect-head`. */
export function logsHead(env: NodeJS.ProcessEnv): LogsHeadOutcome {
  const path = logsDbPath(env);
  if (path === null)
    return { path, ok: false, problem: 'flight recorder disabled (LLM_GATEWAY_LOGS_DB=none)' };
  if (!existsSync(path)) return { path, ok: false, problem: `${path} does not exist yet` };
  const db = openSqlite(path, { readonly: true });
  try {
    const head = new AuditChain(db, { table: CHAIN_TABLE }).head();
    return head === null
      ? { path, ok: true, head: null, seq: 0, hash: null }
      : { path, ok: true, head: formatHead(head), seq: head.seq, hash: head.hash };
  } finally {
    db.close();
  }
}
