import { existsSync } from 'node:fs';
import { AuditChain, formatHead, openSqlite, type ChainHead } from 'audit-chain';
import { logsDbPath } from '../config/paths.js';
import { CHAIN_TABLE } from '../recorder/schema.js';
import { verifyRecorder, type RecorderVerifyReport } from '../recorder/verify.js';

export type LogsVerifyOutcome = { path: string | null } & (
  RecorderVerifyReport | { ok: false; problem: string }
);

/** `logs verify`: checks the chain and every row against it, on a read-only connection. */
export function verifyLogs(env: NodeJS.ProcessEnv, expectHead?: ChainHead): LogsVerifyOutcome {
  const path = logsDbPath(env);
  if (path === null)
    return { path, ok: false, problem: 'flight recorder disabled (LLM_GATEWAY_LOGS_DB=none)' };
  if (!existsSync(path)) return { path, ok: false, problem: `${path} does not exist yet` };
  const db = openSqlite(path, { readonly: true });
  try {
    return { path, ...verifyRecorder(db, new AuditChain(db, { table: CHAIN_TABLE }), expectHead) };
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
