import { QUERY_ROLE } from './roles.js';

/** Where the query role's connection URL comes from when the default does not fit. */
export const QUERY_URL_ENV = 'LLM_GATEWAY_QUERY_DATABASE_URL';

/**
 * The connection URL of the query role: LLM_GATEWAY_QUERY_DATABASE_URL, else the
 * gateway's URL with the user replaced by the query role and no password (the
 * server's trust/peer/cert rules or ~/.pgpass / PGPASSWORD supply it).
 */
export function queryRoleUrl(databaseUrl: string, env: NodeJS.ProcessEnv): string {
  const explicit = env[QUERY_URL_ENV];
  if (explicit !== undefined && explicit !== '') return explicit;
  const u = new URL(databaseUrl);
  u.username = QUERY_ROLE;
  u.password = '';
  return u.toString();
}
