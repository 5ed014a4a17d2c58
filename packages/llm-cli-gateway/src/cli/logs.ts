import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { AuditChain, formatHead, openSqlite, type ChainHead } from 'audit-chain';
import { loadConfig, redactDatabaseUrl } from '../config/file.js';
import { logsDbPath } from '../config/paths.js';
import { pgChainHead } from '../recorder/pg-chain.js';
import { verifyPgRecorder } from '../recorder/pg-recorder.js';
import { openPgPool, type PgPool } from '../store/pg/pool.js';
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

/** The PostgreSQL store's URL when the configuration selects it (then logs.db is not used). */
function postgresUrl(env: NodeJS.ProcessEnv): string | undefined {
  const store = loadConfig(env).store;
  return store.backend === 'postgres' ? store.url : undefined;
}

/** A configuration error is a failed check with its message, like a missing file. */
function storeProblem(env: NodeJS.ProcessEnv): { url?: string; problem?: string } {
  try {
    return { url: postgresUrl(env) };
  } catch (err) {
    return { problem: `config: ${(err as Error).message}` };
  }
}

/** Runs `fn` on a short-lived pool; an unreachable database is a failed check, not a crash. */
async function withPg<T extends { ok: boolean }>(
  url: string,
  fn: (pool: PgPool) => Promise<T>,
): Promise<({ path: string } & T) | { path: string; ok: false; problem: string }> {
  const path = redactDatabaseUrl(url);
  const pool = openPgPool(url, { max: 2, applicationName: 'llm-cli-gateway-logs' });
  try {
    return { path, ...(await fn(pool)) };
  } catch (err) {
    return { path, ok: false, problem: `PostgreSQL ${path}: ${(err as Error).message}` };
  } finally {
    await pool.end();
  }
}

/** `logs verify`: checks the chain and every row against it, on a read-only connection. */
export async function verifyLogs(env: NodeJS.ProcessEnv, expectHead?: ChainHead): Promise<LogsVerifyOutcome> {
  const path = logsDbPath(env);
  if (path === null)
    return { path, ok: false, problem: 'flight recorder disabled (LLM_GATEWAY_LOGS_DB=none)' };
  const store = storeProblem(env);
  if (store.problem !== undefined) return { path, ok: false, problem: store.problem };
  if (store.url !== undefined) return withPg(store.url, (pool) => verifyPgRecorder(pool, expectHead));
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
export async function logsHead(env: NodeJS.ProcessEnv): Promise<LogsHeadOutcome> {
  const path = logsDbPath(env);
  if (path === null)
    return { path, ok: false, problem: 'flight recorder disabled (LLM_GATEWAY_LOGS_DB=none)' };
  const store = storeProblem(env);
  if (store.problem !== undefined) return { path, ok: false, problem: store.problem };
  if (store.url !== undefined)
    return withPg(store.url, async (pool) => {
      const head = await pgChainHead(pool);
      return head === null
        ? { ok: true as const, head: null, seq: 0, hash: null }
        : { ok: true as const, head: formatHead(head), seq: head.seq, hash: head.hash };
    });
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
