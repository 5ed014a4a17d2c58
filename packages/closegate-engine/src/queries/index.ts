import { Decimal } from 'closegate-policy';
import type { AuditRecord, ChainHead, QueryFilter, VerifyOptions, VerifyResult } from 'audit-chain';
import type {
  Entry,
  EntryState,
  EscalationRecord,
  ExceptionRecord,
  MatchRecord,
  RunRecord,
} from '../domain.js';
import { NotFoundError } from '../errors.js';
import { addDays } from '../seed/builder.js';
import type { EngineContext } from '../operations/context.js';
import { schemaVersion } from '../store/migrations.js';
import { StableReadCache } from './status-cache.js';

const MAX_LIMIT = 1000;
const clamp = (limit: number | undefined, dflt: number): number =>
  Math.max(1, Math.min(MAX_LIMIT, Math.trunc(limit ?? dflt)));

export interface ReconStatus {
  schemaVersion: number;
  policyVersion: string;
  entries: Record<EntryState, number>;
  matches: Record<string, number>;
  openEscalations: number;
  openExceptions: number;
  lastRun: RunRecord | null;
  auditHead: ChainHead | null;
}

export interface MatchDetail extends MatchRecord {
  entries: Entry[];
  escalations: EscalationRecord[];
}

export interface ExceptionDetail extends ExceptionRecord {
  entry: Entry;
}

export interface EntitySummary {
  entity: string;
  currency: string;
  entries: Record<EntryState, { count: number; totals: Record<string, string> }>;
  periods: { period: string; state: string; closedBy: string | null }[];
}

export interface CloseSummary {
  generatedAt: string;
  policyVersion: string;
  entities: EntitySummary[];
  matches: Record<string, number>;
  openEscalations: number;
  openExceptions: number;
  auditHead: ChainHead | null;
}

/** Read-only queries. Plain JSON results; amounts are decimal strings. */
export function createQueries(ctx: EngineContext) {
  const s = ctx.store;
  const lastRun = (): RunRecord | null =>
    [
      ...s.runs.latest('SUCCEEDED', 1),
      ...s.runs.latest('FAILED', 1),
      ...s.runs.latest('RUNNING', 1),
      ...s.runs.latest('ORPHANED', 1),
    ].sort((a, b) => b.id - a.id)[0] ?? null;
  // Everything in the status but the audit head, recounted only when a row outside the
  // audit tables may have changed (the head moves with every audited read).
  const counts = new StableReadCache(s, () => ({
    schemaVersion: schemaVersion(s.db),
    entries: s.entries.countByState(),
    matches: s.matches.countByState(),
    openEscalations: s.escalations.countOpen(),
    openExceptions: s.exceptions.countOpen(),
    lastRun: lastRun(),
  }));
  return {
    status(): ReconStatus {
      const c = counts.get();
      return {
        schemaVersion: c.schemaVersion,
        policyVersion: ctx.policy.version,
        entries: c.entries,
        matches: c.matches,
        openEscalations: c.openEscalations,
        openExceptions: c.openExceptions,
        lastRun: c.lastRun,
        auditHead: s.audit.head(),
      };
    },
    unmatched(opts: { limit?: number; afterId?: number } = {}): Entry[] {
      return s.entries.page('unmatched', Math.max(0, Math.trunc(opts.afterId ?? 0)), clamp(opts.limit, 100));
    },
    exceptions(opts: { limit?: number } = {}): ExceptionDetail[] {
      return s.exceptions
        .open(clamp(opts.limit, 100))
        .map((x) => ({ ...x, entry: s.entries.get(x.entryId)! }));
    },
    match(id: number): MatchDetail {
      const m = s.matches.get(id);
      if (m === undefined) throw new NotFoundError('match', id);
      return {
        ...m,
        entries: m.entryIds.map((e) => s.entries.get(e)!),
        escalations: s.escalations.forSubject('match', String(id)),
      };
    },
    matchesInState(state: MatchRecord['state'], opts: { limit?: number } = {}): MatchRecord[] {
      return s.matches.inState(state, clamp(opts.limit, 100));
    },
    pendingEscalations(opts: { limit?: number } = {}): EscalationRecord[] {
      return s.escalations.open(clamp(opts.limit, 100));
    },
    escalation(id: number): EscalationRecord {
      const e = s.escalations.get(id);
      if (e === undefined) throw new NotFoundError('escalation', id);
      return e;
    },
    /** An entry plus open lines of the same account near its date, closest amount first. */
    investigate(
      entryId: number,
      opts: { windowDays?: number; limit?: number } = {},
    ): { entry: Entry; candidates: (Entry & { amountGap: string; dayGap: number })[] } {
      const entry = s.entries.get(entryId);
      if (entry === undefined) throw new NotFoundError('entry', entryId);
      const w = Math.max(0, Math.min(31, Math.trunc(opts.windowDays ?? 7)));
      const near = s.entries.openNear(
        entry.entity,
        entry.accountCode,
        addDays(entry.postingDate, -w),
        addDays(entry.postingDate, w),
        entry.id,
        500,
      );
      const amount = new Decimal(entry.amount);
      const candidates = near
        .filter((c) => (entry.source === 'gl') !== (c.source === 'gl'))
        .map((c) => ({
          ...c,
          amountGap: new Decimal(c.amount).minus(amount).abs().toFixed(),
          dayGap: Math.abs(Date.parse(c.postingDate) - Date.parse(entry.postingDate)) / 86_400_000,
        }))
        .sort((a, b) => new Decimal(a.amountGap).cmp(b.amountGap) || a.dayGap - b.dayGap || a.id - b.id)
        .slice(0, clamp(opts.limit, 10));
      return { entry, candidates };
    },
    closeSummary(): CloseSummary {
      const entities = s.entities.entities();
      const summaries = new Map<string, EntitySummary>();
      const blank = () => ({ count: 0, totals: {} as Record<string, string> });
      for (const e of entities) {
        summaries.set(e.code, {
          entity: e.code,
          currency: e.currency,
          entries: { unmatched: blank(), proposed: blank(), matched: blank(), exception: blank() },
          periods: [],
        });
      }
      const sums = new Map<string, Decimal>();
      for (const row of s.entries.amounts()) {
        const bucket = summaries.get(row.entity)?.entries[row.state];
        if (bucket === undefined) continue;
        bucket.count++;
        const key = `${row.entity}|${row.state}|${row.currency}`;
        sums.set(key, (sums.get(key) ?? new Decimal(0)).plus(row.amount));
      }
      for (const [key, total] of sums) {
        const [entity, state, currency] = key.split('|') as [string, EntryState, string];
        summaries.get(entity)!.entries[state].totals[currency] = total.toFixed();
      }
      for (const p of s.periods.list())
        summaries.get(p.entity)?.periods.push({ period: p.period, state: p.state, closedBy: p.closedBy });
      return {
        generatedAt: ctx.now().toISOString(),
        policyVersion: ctx.policy.version,
        entities: [...summaries.values()],
        matches: s.matches.countByState(),
        openEscalations: s.escalations.countOpen(),
        openExceptions: s.exceptions.countOpen(),
        auditHead: s.audit.head(),
      };
    },
    auditQuery(filter: QueryFilter = {}): AuditRecord[] {
      return s.audit.query(filter);
    },
    auditHead(): ChainHead | null {
      return s.audit.head();
    },
    verifyAudit(opts: VerifyOptions = {}): VerifyResult {
      return s.audit.verify(opts);
    },
  };
}

export type Queries = ReturnType<typeof createQueries>;
