import type { Migration } from './migrate.js';
import { RECORDER_COMPONENT, RECORDER_MIGRATIONS } from './recorder-schema.js';
import { SESSIONS_COMPONENT, SESSIONS_MIGRATIONS } from './sessions-schema.js';

/** The schema components this part of the gateway owns on PostgreSQL, in the order they are migrated. */
export const STORE_COMPONENTS: ReadonlyArray<{ component: string; migrations: readonly Migration[] }> = [
  { component: RECORDER_COMPONENT, migrations: RECORDER_MIGRATIONS },
  { component: SESSIONS_COMPONENT, migrations: SESSIONS_MIGRATIONS },
];
