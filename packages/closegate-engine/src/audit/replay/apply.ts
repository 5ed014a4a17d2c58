import type { ReplayedState } from './model.js';

/** Event types that change recon state (everything else is a read, a denial or bookkeeping). */
export const STATE_EVENTS = [
  'DEMO_SEEDED',
  'ENTRIES_IMPORTED',
  'MATCH_PROPOSED',
  'MATCH_CONFIRMED',
  'MATCH_REJECTED',
  'MATCH_ESCALATED',
  'ESCALATION_DECLINED',
  'EXCEPTION_FLAGGED',
  'EXCEPTION_RESOLVED',
  'PERIOD_CLOSE_REQUESTED',
  'ESCALATION_VOTE_RECORDED',
  'PERIOD_CLOSE_DECLINED',
  'PERIOD_CLOSED',
  'IMPORT_HELD_FOR_APPROVAL',
  'IMPORT_DECLINED',
] as const;

type Payload = Record<string, unknown>;

class Unreadable extends Error {}

function int(p: Payload, key: string): number {
  const v = p[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Unreadable(`${key} missing`);
  return v;
}

function ids(p: Payload, key: string): number[] {
  const v = p[key];
  if (!Array.isArray(v) || !v.every((x) => Number.isSafeInteger(x))) throw new Unreadable(`${key} missing`);
  return v as number[];
}

function text(p: Payload, key: string): string {
  const v = p[key];
  if (typeof v !== 'string') throw new Unreadable(`${key} missing`);
  return v;
}

function optionalInt(p: Payload, key: string): number | null {
  const v = p[key];
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
}

/** A proposal that names an exception line closes its open exception (operations/propose.ts). */
function closeExceptionsOf(s: ReplayedState, entryIds: readonly number[], seq: number): void {
  const lines = new Set(entryIds.filter((id) => s.entries.get(id)?.state === 'exception'));
  if (lines.size === 0) return;
  for (const x of s.exceptions.values()) {
    if (x.state === 'open' && lines.has(x.entryId)) Object.assign(x, { state: 'resolved', seq });
  }
}

/**
 * Applies one event to the replayed state, mirroring what its operation
 * wrote (see operations/*.ts): the audit event is appended in the same
 * transaction as the state change, so replaying events in seq order yields
 * the tables' state.
 */
export function applyEvent(s: ReplayedState, seq: number, type: string, actor: string, p: Payload): void {
  try {
    applyOne(s, seq, type, actor, p);
  } catch (err) {
    if (!(err instanceof Unreadable)) throw err;
    s.unreadable.push({ seq, type, why: err.message });
  }
}

function moveEntries(s: ReplayedState, entryIds: number[], state: string, seq: number): void {
  for (const id of entryIds) s.entries.set(id, { state, seq });
}

function resolveEscalation(s: ReplayedState, id: number | null, state: string, actor: string): void {
  if (id === null) return;
  const esc = s.escalations.get(id);
  if (esc === undefined) return; // opened by an event replay cannot see: reported as a row mismatch
  esc.state = state;
  esc.resolvedBy = actor;
}

function applyOne(s: ReplayedState, seq: number, type: string, actor: string, p: Payload): void {
  switch (type) {
    case 'DEMO_SEEDED':
    case 'ENTRIES_IMPORTED': {
      const batch = text(p, 'batch');
      s.importedByBatch.set(batch, (s.importedByBatch.get(batch) ?? 0) + int(p, 'count'));
      // a held import posted by its last approval: that vote settles the escalation
      const escalationId = optionalInt(p, 'escalationId');
      if (escalationId !== null) {
        s.escalations.get(escalationId)?.votes.set(actor, 'approve');
        resolveEscalation(s, escalationId, 'approved', actor);
      }
      return;
    }
    case 'IMPORT_HELD_FOR_APPROVAL':
      s.escalations.set(int(p, 'escalationId'), {
        state: 'open',
        action: 'post_entry',
        subjectKind: 'import',
        subjectId: String(int(p, 'importFileId')),
        requestedBy: actor,
        resolvedBy: null,
        votes: new Map(),
        seq,
      });
      return;
    case 'IMPORT_DECLINED': {
      const escalationId = int(p, 'escalationId');
      s.escalations.get(escalationId)?.votes.set(actor, 'reject');
      resolveEscalation(s, escalationId, 'rejected', actor);
      return;
    }
    case 'MATCH_PROPOSED': {
      const entryIds = ids(p, 'entryIds');
      s.matches.set(int(p, 'matchId'), { state: 'proposed', decidedBy: null, entryIds, seq });
      closeExceptionsOf(s, entryIds, seq);
      moveEntries(s, entryIds, 'proposed', seq);
      return;
    }
    case 'MATCH_CONFIRMED':
    case 'MATCH_REJECTED': {
      const confirmed = type === 'MATCH_CONFIRMED';
      const id = int(p, 'matchId');
      const m = s.matches.get(id);
      const entryIds = ids(p, 'entryIds');
      s.matches.set(id, {
        state: confirmed ? 'confirmed' : 'rejected',
        decidedBy: actor,
        entryIds: m?.entryIds ?? entryIds,
        seq,
      });
      moveEntries(s, entryIds, confirmed ? 'matched' : 'unmatched', seq);
      const resolution =
        typeof p.escalationResolution === 'string'
          ? p.escalationResolution
          : confirmed
            ? 'approved'
            : 'rejected';
      resolveEscalation(s, optionalInt(p, 'escalationId'), resolution, actor);
      return;
    }
    case 'MATCH_ESCALATED': {
      const matchId = int(p, 'matchId');
      const m = s.matches.get(matchId);
      if (m !== undefined) Object.assign(m, { state: 'pending_approval', decidedBy: null, seq });
      s.escalations.set(int(p, 'escalationId'), {
        state: 'open',
        action: text(p, 'action'),
        subjectKind: 'match',
        subjectId: String(matchId),
        requestedBy: actor,
        resolvedBy: null,
        votes: new Map(),
        seq,
      });
      return;
    }
    case 'ESCALATION_DECLINED':
      resolveEscalation(s, int(p, 'escalationId'), 'rejected', actor);
      return;
    case 'EXCEPTION_FLAGGED': {
      const entryId = int(p, 'entryId');
      s.entries.set(entryId, { state: 'exception', seq });
      s.exceptions.set(int(p, 'exceptionId'), { entryId, state: 'open', seq });
      return;
    }
    case 'EXCEPTION_RESOLVED': {
      const entryId = int(p, 'entryId');
      s.exceptions.set(int(p, 'exceptionId'), { entryId, state: 'resolved', seq });
      s.entries.set(entryId, { state: text(p, 'entryState'), seq });
      return;
    }
    case 'PERIOD_CLOSE_REQUESTED': {
      const key = `${text(p, 'entity')}|${text(p, 'period')}`;
      s.periods.set(key, { state: 'closing', closedBy: null, seq });
      s.escalations.set(int(p, 'escalationId'), {
        state: 'open',
        action: 'close_period',
        subjectKind: 'period',
        subjectId: key,
        requestedBy: actor,
        resolvedBy: null,
        votes: new Map(),
        seq,
      });
      return;
    }
    case 'ESCALATION_VOTE_RECORDED':
      s.escalations.get(int(p, 'escalationId'))?.votes.set(actor, text(p, 'vote'));
      return;
    case 'PERIOD_CLOSE_DECLINED':
    case 'PERIOD_CLOSED': {
      const closed = type === 'PERIOD_CLOSED';
      const escalationId = int(p, 'escalationId');
      s.escalations.get(escalationId)?.votes.set(actor, closed ? 'approve' : 'reject');
      resolveEscalation(s, escalationId, closed ? 'approved' : 'rejected', actor);
      s.periods.set(`${text(p, 'entity')}|${text(p, 'period')}`, {
        state: closed ? 'closed' : 'open',
        closedBy: closed ? actor : null,
        seq,
      });
      return;
    }
  }
}
