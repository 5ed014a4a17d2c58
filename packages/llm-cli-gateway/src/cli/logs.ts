import { existsSync } from 'node:fs';
import { AuditChain, openSqlite } from 'audit-chain';
import { logsDbPath } from '../config/paths.js';
import { CHAIN_TABLE } from '../recorder/schema.js';
import { verifyRecorder, type RecorderVerifyReport } from '../recorder/verify.js';

export type LogsVerifyOutcome = { path: string | null } & (
  RecorderVerifyReport | { ok: false; problem: string }
);

/** `logs verify`: checks the chain and every row against it, on a read-only connection. */
export function verifyLogs(env: NodeJS.ProcessEnv): LogsVerifyOutcome {
  const path = logsDbPath(env);
  if (path === null)
    return { path, ok: false, problem: 'flight recorder disabled (LLM_GATEWAY_LOGS_DB=none)' };
  if (!existsSync(path)) return { path, ok: false, problem: `${path} does not exist yet` };
  const db = openSqlite(path, { readonly: true });
  try {
    return { path, ...verifyRecorder(db, new AuditChain(db, { table: CHAIN_TABLE })) };
  } finally {
    db.close();
  }
}
