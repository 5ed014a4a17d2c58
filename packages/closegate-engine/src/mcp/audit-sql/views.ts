/**
 * The schema of the audit mirror: a copy of the audit rows plus the views
 * query_audit's SQL is meant to use. The mirror holds NOTHING else, so no
 * statement run against it can reach entries, matches, idempotency keys or
 * any other recon table: they are not in the database at all.
 */
export const MIRROR_TABLE = 'audit_copy';

export const AUDIT_VIEWS = [
  'audit_events',
  'audit_tool_calls',
  'audit_policy_violations',
  'audit_decisions',
] as const;

export const MIRROR_SCHEMA = `
CREATE TABLE IF NOT EXISTS ${MIRROR_TABLE} (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  ts TEXT NOT NULL,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS audit_copy_type ON ${MIRROR_TABLE}(type);
CREATE INDEX IF NOT EXISTS audit_copy_actor ON ${MIRROR_TABLE}(actor);

-- Every audit event (payload is canonical JSON: use json_extract).
CREATE VIEW IF NOT EXISTS audit_events AS
  SELECT seq, event_id, ts, actor, type, payload, prev_hash, hash FROM ${MIRROR_TABLE};

-- One row per MCP tool call or resource read, allowed or not.
CREATE VIEW IF NOT EXISTS audit_tool_calls AS
  SELECT seq, ts, actor,
         json_extract(payload, '$.tool') AS tool,
         json_extract(payload, '$.tier') AS tier,
         json_extract(payload, '$.transport') AS transport,
         json_extract(payload, '$.decision') AS decision,
         json_extract(payload, '$.code') AS code,
         json_extract(payload, '$.clausePointer') AS clause_pointer,
         json_extract(payload, '$.idempotencyKey') AS idempotency_key,
         json_extract(payload, '$.operationSeq') AS operation_seq
  FROM ${MIRROR_TABLE} WHERE type = 'MCP_TOOL_CALL';

-- Gate denials recorded by the engine, with the verbatim clause.
CREATE VIEW IF NOT EXISTS audit_policy_violations AS
  SELECT seq, ts, actor,
         json_extract(payload, '$.operation') AS operation,
         json_extract(payload, '$.code') AS code,
         json_extract(payload, '$.clauseText') AS clause_text,
         json_extract(payload, '$.clausePointer') AS clause_pointer,
         json_extract(payload, '$.tier') AS tier,
         json_extract(payload, '$.policyVersion') AS policy_version
  FROM ${MIRROR_TABLE} WHERE type = 'POLICY_VIOLATION';

-- State changes of matches, escalations, exceptions and periods (everything but tool-call records).
CREATE VIEW IF NOT EXISTS audit_decisions AS
  SELECT seq, ts, actor, type,
         json_extract(payload, '$.matchId') AS match_id,
         json_extract(payload, '$.escalationId') AS escalation_id,
         json_extract(payload, '$.entryId') AS entry_id,
         payload
  FROM ${MIRROR_TABLE} WHERE type <> 'MCP_TOOL_CALL';
`;
