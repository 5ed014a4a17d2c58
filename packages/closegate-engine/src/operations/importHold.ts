import { parseActor, sameActor, t3RequiredApprovals, type Actor } from 'closegate-policy';
import type { EscalationRecord, NewEntry } from '../domain.js';
import { NotFoundError, StateConflictError } from '../errors.js';
import { findDuplicates } from '../import/duplicates.js';
import type { EngineContext, OperationResult } from './context.js';
import { audit, decisionJson, denied } from './gate.js';
import { gatePeriods, insertEntries } from './posting.js';
import { recordVote, t3Approvals } from './votes.js';

/** What a held import keeps until humans decide (import_files.staged_json). */
interface Staged {
  entries: NewEntry[];
  rows: number[];
  closed: { entity: string; period: string }[];
}

export interface HoldRequest extends Staged {
  sha256: string;
  name: string;
  batch: string;
  rowsSkipped: number;
  actor: string;
  createdAt: string;
}

function closedList(closed: Staged['closed']): string {
  return closed.map((c) => `${c.entity} ${c.period}`).join(', ');
}

/**
 * A file that posts into a closed period (closed_period_posting: t3): the
 * validated rows are kept, an escalation (T3, the policy's clause) asks two
 * distinct humans other than the requester to approve, and one
 * IMPORT_HELD_FOR_APPROVAL event records it. Nothing is posted yet.
 */
export function holdForApproval(
  ctx: EngineContext,
  actor: Actor,
  req: HoldRequest,
  now: string,
): OperationResult {
  const gate = gatePeriods(ctx, actor.raw, req.entries);
  if (gate.kind !== 'hold') throw new Error('holdForApproval called for a file that is not held');
  const d = decisionJson(gate.decision);
  const fileId = ctx.store.importFiles.add({
    sha256: req.sha256,
    name: req.name,
    batch: req.batch,
    state: 'pending_approval',
    rowsImported: 0,
    rowsSkipped: req.rowsSkipped,
    escalationId: null,
    stagedJson: JSON.stringify({ entries: req.entries, rows: req.rows, closed: req.closed } satisfies Staged),
    actor: req.actor,
    createdAt: now,
  });
  const closedRows = req.rows.filter((_, i) =>
    req.closed.some(
      (c) => c.entity === req.entries[i]!.entity && c.period === req.entries[i]!.postingDate.slice(0, 7),
    ),
  );
  const message =
    `the period is closed: ${closedList(req.closed)}; ${closedRows.length} of ${req.entries.length} row(s) ` +
    `post into it (rows ${closedRows.slice(0, 20).join(', ')}${closedRows.length > 20 ? ', ...' : ''}). ` +
    `Posting into a closed period is irreversible (T3): ${t3RequiredApprovals(ctx.policy)} distinct humans other than the requester must approve this import.`;
  const escalationId = ctx.store.escalations.add({
    action: 'post_entry',
    subjectKind: 'import',
    subjectId: String(fileId),
    requestedBy: actor.raw,
    code: d.code ?? '',
    clauseText: d.clauseText ?? '',
    clausePointer: d.clausePointer ?? '',
    policyVersion: d.policyVersion,
    tier: d.tier,
    requestRationale: message,
    createdAt: now,
  });
  ctx.store.importFiles.attachEscalation(fileId, escalationId);
  const auditSeq = audit(
    ctx,
    'IMPORT_HELD_FOR_APPROVAL',
    actor,
    {
      escalationId,
      importFileId: fileId,
      sha256: req.sha256,
      batch: req.batch,
      rows: req.entries.length,
      closedPeriods: req.closed,
      message,
      code: d.code,
      clauseText: d.clauseText,
      clausePointer: d.clausePointer,
      policyVersion: d.policyVersion,
      tier: d.tier,
    },
    now,
  );
  ctx.faultInjector?.('after_mutation', 'import');
  return {
    operation: 'import',
    outcome: 'require_human_approval',
    status: 'escalated',
    decision: d,
    escalationId,
    state: 'pending_approval',
    imported: 0,
    auditSeq,
  };
}

/**
 * One human's vote on a held import (the caller holds the transaction and
 * has checked the voter is a human other than the requester; ctx.origin is
 * where the vote was cast, see t3Approvals). Reject
 * declines the file; approvals count until the gate sees enough distinct
 * humans, then the rows are posted (duplicates that appeared meanwhile are
 * refused, never doubled) with one ENTRIES_IMPORTED event.
 */
export function applyImportVote(
  ctx: EngineContext,
  actor: Actor,
  esc: EscalationRecord,
  vote: 'approve' | 'reject',
  rationale: string,
  now: string,
): OperationResult {
  const file = ctx.store.importFiles.forEscalation(esc.id);
  if (file === undefined || file.stagedJson === null)
    throw new NotFoundError('held import of escalation', esc.id);
  if (esc.votes.some((v) => sameActor(parseActor(v.actor), actor)))
    throw new StateConflictError(`${actor.raw} has already voted on escalation ${esc.id}`, {
      escalationId: esc.id,
    });
  const staged = JSON.parse(file.stagedJson) as Staged;
  const base = { operation: 'resolve_escalation', escalationId: esc.id };
  if (vote === 'reject') {
    recordVote(ctx, esc, actor, 'reject', rationale, now);
    ctx.store.escalations.resolve(esc.id, 'rejected', actor.raw, rationale, now);
    ctx.store.importFiles.settle(file.id, 'declined', 0, now);
    const auditSeq = audit(
      ctx,
      'IMPORT_DECLINED',
      actor,
      { escalationId: esc.id, importFileId: file.id, sha256: file.sha256, rationale },
      now,
    );
    const d = { outcome: 'allow' as const, tier: esc.tier, policyVersion: ctx.policy.version };
    return { ...base, outcome: 'allow', status: 'declined', decision: d, state: 'declined', auditSeq };
  }
  // with the OS account of each vote, like a period close: the gate refuses two humans from one account
  const t3 = t3Approvals(esc, actor, ctx.origin);
  const { approvals } = t3;
  const gate = gatePeriods(ctx, actor.raw, staged.entries, t3, esc.requestedBy);
  if (gate.kind === 'deny')
    return denied(ctx, 'post_entry', actor, gate.decision, { escalationId: esc.id }, now);
  recordVote(ctx, esc, actor, 'approve', rationale, now);
  if (gate.kind === 'hold') {
    const d = decisionJson(gate.decision);
    const auditSeq = audit(
      ctx,
      'ESCALATION_VOTE_RECORDED',
      actor,
      { escalationId: esc.id, importFileId: file.id, vote, approvals, decision: d },
      now,
    );
    return {
      ...base,
      outcome: d.outcome,
      status: 'vote_recorded',
      decision: d,
      state: 'pending_approval',
      auditSeq,
    };
  }
  const again = findDuplicates(ctx.store.importFiles, staged.entries, staged.rows);
  if (again.length > 0)
    throw new StateConflictError(
      `rows ${again.map((d) => d.row).join(', ')} of the held file now duplicate entries ${again
        .map((d) => d.entryId)
        .join(', ')} posted since it was held; reject this escalation and import the file again`,
      { escalationId: esc.id, duplicates: again },
    );
  ctx.store.escalations.resolve(esc.id, 'approved', actor.raw, rationale, now);
  ctx.store.importFiles.settle(file.id, 'imported', staged.entries.length, now);
  const result = insertEntries(
    ctx,
    actor.raw,
    staged.entries,
    file.batch,
    {
      sha256: file.sha256,
      fileName: file.name,
      escalationId: esc.id,
      approvals,
      requestedBy: esc.requestedBy,
    },
    'ENTRIES_IMPORTED',
    gate.allowed,
  );
  return { ...result, ...base, state: 'imported' };
}
