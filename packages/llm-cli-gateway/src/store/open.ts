import type { HeadSigner } from 'audit-chain';
import { ConfigError } from '../config/errors.js';
import { redactDatabaseUrl, type GatewayConfig } from '../config/file.js';
import { logsDbPath } from '../config/paths.js';
import type { Recorder } from '../recorder/api.js';
import { PgFlightRecorder } from '../recorder/pg-recorder.js';
import { FlightRecorder } from '../recorder/recorder.js';
import type { Sessions } from '../sessions/api.js';
import { PgSessionStore } from '../sessions/pg-store.js';
import { SessionStore } from '../sessions/store.js';
import { STORE_COMPONENTS } from './pg/components.js';
import { migrate } from './pg/migrate.js';
import { openPgPool, type PgPool } from './pg/pool.js';
import { queryRoleUrl } from './pg/query-url.js';

export interface Stores {
  readonly sessions: Sessions;
  /** Null when the flight recorder is disabled (LLM_GATEWAY_LOGS_DB=none). */
  readonly recorder: Recorder | null;
  /** Resolves once the stores can be used (PostgreSQL: connected and migrated); rejects with why not. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoresOptions {
  readonly config: GatewayConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  /** Values redacted from everything the recorder stores. */
  readonly secrets: readonly string[];
  /** Signs the SQLite recorder's chain heads (LLM_GATEWAY_AUDIT_KEY). */
  readonly signer?: HeadSigner;
}

/**
 * The session store and the flight recorder the configuration selects:
 * `sessions.json` and `logs.db` (the default, nothing to set up), or one
 * PostgreSQL database shared by every instance (`[store] backend = "postgres"`
 * or LLM_GATEWAY_DATABASE_URL), migrated at start-up.
 */
export function openStores(opts: OpenStoresOptions): Stores {
  const { config, env, home, secrets } = opts;
  const logsDb = logsDbPath(env);
  if (config.store.backend === 'sqlite') {
    const recorder =
      logsDb === null
        ? null
        : new FlightRecorder(logsDb, secrets, { timeoutMs: config.limits.queryTimeoutMs }, opts.signer);
    return {
      sessions: new SessionStore(home),
      recorder,
      ready: Promise.resolve(),
      close: async () => recorder?.close(),
    };
  }
  if (opts.signer !== undefined) {
    throw new ConfigError(
      'env:LLM_GATEWAY_AUDIT_KEY',
      'signed chain heads are a feature of the SQLite flight recorder; unset it with the PostgreSQL store',
    );
  }
  const { url } = config.store;
  const pool = openPgPool(url, { applicationName: 'llm-cli-gateway' });
  let recorder: PgFlightRecorder | null = null;
  const ready: Promise<void> = migrateStores(pool).then(() => recorder?.dropStaleBindings());
  // Every operation awaits `ready` and reports its failure; this only keeps it from being "unhandled".
  ready.catch(() => undefined);
  if (logsDb !== null) {
    recorder = new PgFlightRecorder(pool, {
      displayUrl: redactDatabaseUrl(url),
      queryUrl: queryRoleUrl(url, env),
      knownSecrets: secrets,
      queryTimeoutMs: config.limits.queryTimeoutMs,
      ready,
    });
  }
  return {
    sessions: new PgSessionStore(pool, home, ready),
    recorder,
    ready,
    close: async () => {
      await ready.catch(() => undefined);
      await pool.end();
    },
  };
}

/** Applies this part's migrations (recorder, sessions) in order, each under the migration lock. */
export async function migrateStores(pool: PgPool): Promise<void> {
  for (const { component, migrations } of STORE_COMPONENTS) await migrate(pool, component, migrations);
}
