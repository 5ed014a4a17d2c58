import { JOB_MIGRATIONS, JOBS_COMPONENT } from '../../jobs/pg-schema.js';
import type { Migration } from './migrate.js';
import { RECORDER_COMPONENT, RECORDER_MIGRATIONS } from './recorder-schema.js';
import { SESSIONS_COMPONENT, SESSIONS_MIGRATIONS } from './sessions-schema.js';

/** The gateway's schema components on PostgreSQL, in the order `db migrate` and `doctor` take them. */
export const STORE_COMPONENTS: ReadonlyArray<{ component: string; migrations: readonly Migration[] }> = [
  { component: RECORDER_COMPONENT, migrations: RECORDER_MIGRATIONS },
  { component: SESSIONS_COMPONENT, migrations: SESSIONS_MIGRATIONS },
  { component: JOBS_COMPONENT, migrations: JOB_MIGRATIONS },
];
