import fs from 'node:fs';
import { startBackgroundCheckpoints, type BackgroundCheckpointOptions } from 'audit-chain';
import { loadPolicy, type FxRateAdapter, type Policy } from 'closegate-policy';
import { resolvePolicyPath } from './config.js';
import type { RunRecord } from './domain.js';
import { createOperations, type Operations } from './operations/index.js';
import type { EngineContext, FaultPoint, OperationResult } from './operations/context.js';
import { createQueries, type Queries } from './queries/index.js';
import { runReconPass } from './recon/pass.js';
import type { ReconPassOptions, ReconPassResult } from './recon/types.js';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS, sweepOrphanedRuns } from './recon/sweeper.js';
import { seedDemo } from './seed/seed.js';
import { resolveAuditSigning, type AuditSigning } from './store/auditSigning.js';
import { ReconStore } from './store/index.js';
import { storedRates } from './storedRates.js';

export interface OpenEngineOptions {
  dbPath: string;
  /** Policy YAML text; else read from policyPath; else CLOSEGATE_POLICY; else the example policy. */
  policyText?: string;
  policyPath?: string;
  /** FX source; default: the fixed-rate table stored in the database (refused in prod unless allowed). */
  fx?: FxRateAdapter;
  now?: () => Date;
  /** Run the recovery sweeper on open (default true). */
  sweepOnOpen?: boolean;
  heartbeatTimeoutMs?: number;
  /** Test hook: called after the mutation and audit append, before commit. */
  faultInjector?: (point: FaultPoint, operation: string) => void;
  env?: NodeJS.ProcessEnv;
  /**
   * WAL checkpoints from a worker thread instead of inside the COMMIT that
   * crosses SQLite's threshold (audit-chain `startBackgroundCheckpoints`):
   * for long-running processes such as the MCP server. Default off.
   */
  backgroundCheckpoints?: boolean | BackgroundCheckpointOptions;
  /**
   * Audit head signing (Ed25519, key outside the database). Default: from
   * the environment (resolveAuditSigning: CLOSEGATE_AUDIT_KEY_PEM,
   * CLOSEGATE_AUDIT_KEY, else audit-signing.key next to the database).
   * `false` turns it off (unsigned chain: verify with a public key then fails).
   */
  auditSigning?: AuditSigning | false;
}

export interface Engine {
  readonly dbPath: string;
  readonly policy: Policy;
  readonly operations: Operations;
  readonly queries: Queries;
  /** Runs orphaned by a dead owner, found by the sweeper when the engine opened. */
  readonly startupOrphans: RunRecord[];
  runReconPass(opts?: ReconPassOptions): ReconPassResult;
  sweep(heartbeatTimeoutMs?: number): RunRecord[];
  /** Seeds the demo pack into an empty database. */
  seedDemo(): OperationResult;
  isEmpty(): boolean;
  /** The engine context (store, policy, fx, clock); for tools built on the engine. */
  readonly context: EngineContext;
  close(): void;
}

function policyFrom(opts: OpenEngineOptions): Policy {
  if (opts.policyText !== undefined) return loadPolicy(opts.policyText);
  const file = opts.policyPath ?? resolvePolicyPath(undefined, opts.env ?? process.env);
  return loadPolicy(fs.readFileSync(file, 'utf8'));
}

/** Opens (creating and migrating if needed) a recon database with a policy. */
export function openEngine(opts: OpenEngineOptions): Engine {
  const env = opts.env ?? process.env;
  const policy = policyFrom(opts);
  const signing =
    opts.auditSigning === undefined ? resolveAuditSigning(opts.dbPath, env) : opts.auditSigning || undefined;
  const store = ReconStore.open(opts.dbPath, signing);
  try {
    const context: EngineContext = {
      store,
      policy,
      fx: opts.fx ?? storedRates(store, env),
      now: opts.now ?? (() => new Date()),
      faultInjector: opts.faultInjector,
    };
    const timeout = opts.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
    const startupOrphans = opts.sweepOnOpen === false ? [] : sweepOrphanedRuns(context, timeout);
    const bg = opts.backgroundCheckpoints;
    const checkpoints =
      bg === undefined || bg === false
        ? undefined
        : startBackgroundCheckpoints(store.db, bg === true ? {} : bg);
    return {
      dbPath: opts.dbPath,
      policy,
      operations: createOperations(context),
      queries: createQueries(context),
      startupOrphans,
      runReconPass: (o) => runReconPass(context, o),
      sweep: (t) => sweepOrphanedRuns(context, t ?? timeout),
      seedDemo: () => seedDemo(context),
      isEmpty: () => store.isEmpty(),
      context,
      close: () => {
        void checkpoints?.stop(); // the worker has its own connection: closing ours need not wait
        store.close();
      },
    };
  } catch (err) {
    store.close();
    throw err;
  }
}
