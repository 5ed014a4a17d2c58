import type { Migration } from './migrate.js';
import { ENSURE_ROLES_SQL, RUNTIME_ROLE } from './roles.js';

export const SESSIONS_COMPONENT = 'sessions';
export const SESSIONS_TABLE = 'gateway_sessions';

const V1 = `
${ENSURE_ROLES_SQL}
CREATE TABLE ${SESSIONS_TABLE} (
  id text PRIMARY KEY,
  owner text NOT NULL,
  cli text NOT NULL,
  description text NOT NULL,
  created_at text NOT NULL,
  last_used_at text NOT NULL,
  active boolean NOT NULL,
  provider_session_id text,
  workspace text
);
CREATE INDEX ${SESSIONS_TABLE}_owner_cli ON ${SESSIONS_TABLE} (owner, cli);
-- At most one active session per owner and CLI, whichever instance set it.
CREATE UNIQUE INDEX ${SESSIONS_TABLE}_one_active ON ${SESSIONS_TABLE} (owner, cli) WHERE active;
REVOKE ALL ON ${SESSIONS_TABLE} FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON ${SESSIONS_TABLE} TO ${RUNTIME_ROLE};
`;

export const SESSIONS_MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'gateway sessions (content-free, owner-scoped)', sql: V1 },
];
