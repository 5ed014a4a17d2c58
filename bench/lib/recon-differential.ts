/**
 * The differential check of the recon benchmark: what a pass decided and
 * audited, reduced to counts and SHA-256 digests that do not depend on
 * timing, so the figures of the code before a change (kept in
 * bench/closegate-recon.reference.json) and after it can be compared.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import type { ReconItem, ReconPassResult } from 'closegate-engine';

export interface ReconDifferential {
  /** Audit events in the whole database, by type (the import's and the pass's). */
  auditByType: Record<string, number>;
  /** The pass's gate outcomes, and escalations and denials by policy code. */
  decisions: Record<string, number>;
  /** SHA-256 over the ordered (match, decision) list, then the exceptions. */
  decisionsSha256: string;
  /**
   * SHA-256 over the pass's audit events in seq order (type, actor, payload;
   * RECON_RUN_STARTED left out: its payload names the host and pid).
   */
  auditSha256: string;
}

export function reconDifferential(
  db: Database.Database,
  pass: ReconPassResult,
  firstPassSeq: number,
): ReconDifferential {
  const auditByType: Record<string, number> = {};
  for (const [type, n] of db
    .prepare('SELECT type, count(*) FROM audit_events GROUP BY type ORDER BY type')
    .raw()
    .all() as [string, number][])
    auditByType[type] = n;
  const decisions: Record<string, number> = {
    proposed: pass.proposed,
    confirmed: pass.autoConfirmed.length,
    escalated: pass.escalated.length,
    denied: pass.denied.length,
    exceptions: pass.exceptions.length,
    skippedStale: pass.skippedStale,
    skippedRejected: pass.skippedRejected,
  };
  const items: [string, ReconItem][] = [
    ...pass.autoConfirmed.map((i) => ['confirmed', i] as [string, ReconItem]),
    ...pass.escalated.map((i) => ['escalated', i] as [string, ReconItem]),
    ...pass.denied.map((i) => ['denied', i] as [string, ReconItem]),
  ];
  items.sort((a, b) => a[1].matchId - b[1].matchId);
  const d = createHash('sha256');
  for (const [outcome, i] of items) {
    if (outcome !== 'confirmed') {
      const key = `${outcome}:${i.code ?? ''}`;
      decisions[key] = (decisions[key] ?? 0) + 1;
    }
    d.update(
      `${i.matchId}|${i.type}|${i.entryIds.join(',')}|${i.amountUsd}|${outcome}|${i.code ?? ''}|${i.clausePointer ?? ''}|${i.escalationId ?? ''}\n`,
    );
  }
  for (const x of pass.exceptions) d.update(`x|${x.entryId}|${x.exceptionId}|${x.reasonCode}|${x.detail}\n`);
  const a = createHash('sha256');
  const rows = db
    .prepare(
      "SELECT type, actor, payload FROM audit_events WHERE seq >= ? AND type <> 'RECON_RUN_STARTED' ORDER BY seq",
    )
    .raw()
    .iterate(firstPassSeq) as IterableIterator<[string, string, string]>;
  for (const [type, actor, payload] of rows) a.update(`${type}|${actor}|${payload}\n`);
  return { auditByType, decisions, decisionsSha256: d.digest('hex'), auditSha256: a.digest('hex') };
}

/** Figures of the code before the change, by lines per side. */
export type ReconReference = Record<string, ReconDifferential & { code: string }>;

export function readReference(file: string): ReconReference {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ReconReference) : {};
}

/** "same as before" or the fields that differ. */
export function compareDifferential(now: ReconDifferential, before: ReconDifferential | undefined): string {
  if (before === undefined) return 'no reference figures for this size';
  const differs: string[] = [];
  const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);
  if (!same(sorted(now.auditByType), sorted(before.auditByType))) differs.push('audit event counts');
  if (!same(sorted(now.decisions), sorted(before.decisions))) differs.push('decision counts');
  if (now.decisionsSha256 !== before.decisionsSha256) differs.push('(match, decision) list');
  if (now.auditSha256 !== before.auditSha256) differs.push('audit event contents');
  return differs.length === 0 ? 'SAME as before' : `DIFFERS from before: ${differs.join(', ')}`;
}

function sorted(o: Record<string, number>): [string, number][] {
  return Object.entries(o).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
