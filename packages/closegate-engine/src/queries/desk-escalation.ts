import type Database from 'better-sqlite3';
import {
  escalationApprovalsRequired,
  parseActor,
  sameActor,
  type Actor,
  type Policy,
} from 'closegate-policy';
import type { EscalationRecord } from '../domain.js';
import { auditPage } from './desk.js';
import { sidesOf, varianceUsd } from './desk-sides.js';
import type { Queries } from './index.js';

/** Why this actor cannot decide the escalation now (null: it may; the gate still decides). */
export function cannotDecideReason(esc: EscalationRecord, proposer: string, actor: Actor): string | null {
  if (esc.state !== 'open') return 'resolved';
  if (actor.kind !== 'human') return 'not_human';
  // a period close or a held import: the requester may not vote (a match's proposer is checked below)
  // ids compare as the gate compares them (case-insensitively): the view must not offer a vote the gate refuses
  const same = (raw: string): boolean => {
    try {
      return sameActor(parseActor(raw), actor);
    } catch {
      return raw === actor.raw; // a stored id the parser no longer accepts: compared as written
    }
  };
  if (esc.subjectKind !== 'match' && same(esc.requestedBy)) return 'requester';
  if (same(proposer)) return 'proposer';
  if (esc.votes.some((v) => same(v.actor))) return 'already_voted';
  return null;
}

/**
 * An escalation with everything a reviewer judges by: its match and both sides'
 * lines, FX records, variance, proposer and rationale, votes, and the audit events
 * of the match (or of the escalation itself, for a period close), oldest first.
 * Shared by the desk_get_escalation tool and `closegate-engine escalations show`.
 * `policy` is the active policy, the one the gate counts votes against.
 */
export function escalationContext(queries: Queries, db: Database.Database, id: number, policy: Policy) {
  const esc = queries.escalation(id);
  const match = esc.subjectKind === 'match' ? queries.match(Number(esc.subjectId)) : null;
  const proposer = match?.proposedBy ?? esc.requestedBy;
  const events =
    match === null
      ? auditPage(db, { escalationId: esc.id, offset: 0, limit: 200 }, false).rows
      : auditPage(db, { matchId: match.id, offset: 0, limit: 200 }, false).rows;
  const sides = match === null ? null : sidesOf(match.entries, match.intercompany);
  return {
    escalation: esc,
    match,
    sides,
    varianceUsd: match === null || sides === null ? null : varianceUsd(sides, match.fx, match.intercompany),
    proposer,
    proposerRationale: match?.rationale || esc.requestRationale,
    // from the gate's own count, so the view cannot promise fewer (or more) votes than it needs
    votesRequired: escalationApprovalsRequired(esc.action, policy),
    auditEvents: events.reverse(),
  };
}

export type EscalationContext = ReturnType<typeof escalationContext>;

/** A match with its two sides, variance, escalations and audit events (oldest first). */
export function matchContext(queries: Queries, db: Database.Database, id: number) {
  const match = queries.match(id);
  const sides = sidesOf(match.entries, match.intercompany);
  return {
    match,
    sides,
    varianceUsd: varianceUsd(sides, match.fx, match.intercompany),
    auditEvents: auditPage(db, { matchId: match.id, offset: 0, limit: 200 }, false).rows.reverse(),
  };
}
