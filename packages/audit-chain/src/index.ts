/**
 * audit-chain: append-only, hash-chained event log on SQLite (kernel).
 * See README.md for the hash format an auditor can re-implement.
 */
export { openSqlite, type OpenSqliteOptions } from './store/open-sqlite.js';
export {
  startBackgroundCheckpoints,
  type BackgroundCheckpointOptions,
  type BackgroundCheckpoints,
  type CheckpointStats,
} from './store/checkpoints.js';
export { DEFAULT_TABLE, schemaSql } from './store/schema.js';
export { canonicalJson, MAX_CANONICAL_DEPTH } from './canonical/canonical-json.js';
export { AuditChain, type AuditChainOptions } from './chain/audit-chain.js';
export { AuditBatch, BATCH_FLUSH_EVERY } from './chain/batch.js';
export type { AuditEventInput } from './chain/event.js';
export { GENESIS_HASH, hashInput, eventHash, type HashedFields } from './chain/hash-format.js';
export { parseHead, formatHead } from './chain/head.js';
export { DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT } from './chain/query.js';
export {
  VERIFY_PROGRESS_EVERY,
  type AuditRecord,
  type ChainHead,
  type QueryFilter,
  type VerifyFailureReason,
  type VerifyOptions,
  type VerifyResult,
  type SignatureSummary,
} from './chain/types.js';
export {
  AuditChainError,
  CanonicalJsonError,
  isAppendOnlyViolation,
  APPEND_ONLY_MARKER,
  type AuditErrorCode,
} from './errors.js';
export {
  generateSigningKeyPem,
  keyIdOf,
  loadOrCreateKeyFile,
  publicKeyFromPem,
  signerFromHook,
  signerFromPrivateKey,
  writeKeyFile,
  type HeadSigner,
  type KmsSigningHook,
} from './signing/keys.js';
export {
  parseSignedHeadLine,
  signedHeadLine,
  signedHeadMessage,
  type SignedHead,
} from './signing/head-message.js';
export { readHeadLog } from './signing/head-log.js';
export { allSignedHeads, headsSchemaSql, headsTableOf } from './signing/heads-store.js';
export { KEY_ROTATED_EVENT } from './signing/sealer.js';
export { checkTriggers, type TriggerProblem } from './store/triggers.js';
