import { createRequire } from 'node:module';
import type pg from 'pg';

/** The module's value as `import pg from 'pg'` gives it. */
export type PgDriver = typeof pg;

const require = createRequire(import.meta.url);
let driver: PgDriver | undefined;

/**
 * node-postgres, loaded when a PostgreSQL connection or client is first made:
 * with the default SQLite store (and every stdio start) it is never used, and
 * loading it costs ~25 modules. A synchronous require (pg is CommonJS, the
 * same module instance its ESM entry re-exports) keeps the store factories
 * synchronous.
 */
export function pgDriver(): PgDriver {
  driver ??= require('pg') as PgDriver;
  return driver;
}
