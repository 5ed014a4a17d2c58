import { schemaSql } from 'audit-chain';

/** The audit chain's table in recon.db (created by audit-chain; the engine only adds indexes). */
export const AUDIT_TABLE = 'audit_events';

/** Payload keys the detail views look events up by, and the index that serves each. */
export const AUDIT_REF_INDEXES = {
  matchId: `${AUDIT_TABLE}_by_match`,
  escalationId: `${AUDIT_TABLE}_by_escalation`,
} as const;
export type AuditRefKey = keyof typeof AUDIT_REF_INDEXES;

/**
 * The WHERE term that finds the events whose payload names this match or
 * escalation. It repeats the index's expression and its partial-index
 * condition word for word, which is what lets SQLite use the index instead of
 * scanning the chain. json_valid comes first so a malformed payload (a
 * tampered row) is skipped, not an error for the whole query or the migration.
 */
export function auditRefTerm(key: AuditRefKey, param: string): string {
  return `json_valid(payload) AND json_extract(payload, '$.${key}') = @${param}`;
}

function indexSql(key: AuditRefKey): string {
  const expr = `json_extract(payload, '$.${key}')`;
  return `CREATE INDEX IF NOT EXISTS ${AUDIT_REF_INDEXES[key]} ON ${AUDIT_TABLE}(${expr})
  WHERE json_valid(payload) AND ${expr} IS NOT NULL;`;
}

/**
 * Migration SQL: partial expression indexes on the audit table keyed by the
 * payload's matchId and escalationId. SQLite maintains them in the transaction
 * that appends the event (every writer, batched or not), and CREATE INDEX fills
 * them from the rows already there. The audit table is created first with the
 * audit chain's own DDL (idempotent) because migrations run before the chain
 * opens on a new file.
 */
export const AUDIT_REF_INDEXES_SQL = `${schemaSql(AUDIT_TABLE)}
${indexSql('matchId')}
${indexSql('escalationId')}
`;
