import type Database from 'better-sqlite3';

type Event = { type: string; payload: Record<string, unknown> };

function events(db: Database.Database): Event[] {
  return (
    db.prepare('SELECT type, payload FROM audit_events ORDER BY seq').all() as {
      type: string;
      payload: string;
    }[]
  ).map((r) => ({ type: r.type, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

/** Counts events by `${type}:${payload[field]}`. */
function countBy(all: Event[], types: string[], field: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of all) {
    if (!types.includes(e.type)) continue;
    const k = `${e.type}:${String(e.payload[field])}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

const TERMINAL: Record<string, string> = {
  SUCCEEDED: 'RECON_RUN_SUCCEEDED',
  FAILED: 'RECON_RUN_FAILED',
  ORPHANED: 'RUN_ORPHANED',
};

/**
 * "Every committed mutation has exactly one audit event": each match has one
 * MATCH_PROPOSED and, once decided, one MATCH_CONFIRMED or MATCH_REJECTED;
 * each escalation one MATCH_ESCALATED / PERIOD_CLOSE_REQUESTED; each exception
 * one EXCEPTION_FLAGGED; each run one start and, when finished, one terminal
 * event; every entry row is covered by an import or seed event. Returns the
 * violations in words (empty = consistent).
 */
export function auditAccountingViolations(db: Database.Database): string[] {
  const out: string[] = [];
  const all = events(db);
  const byMatch = countBy(all, ['MATCH_PROPOSED', 'MATCH_CONFIRMED', 'MATCH_REJECTED'], 'matchId');
  const expectOne = (key: string, what: string, want: number) => {
    const n = byMatch.get(key) ?? 0;
    if (n !== want) out.push(`${what}: ${n} event(s), expected ${want}`);
  };
  for (const m of db.prepare('SELECT id, state FROM matches').all() as { id: number; state: string }[]) {
    expectOne(`MATCH_PROPOSED:${m.id}`, `match ${m.id} MATCH_PROPOSED`, 1);
    expectOne(`MATCH_CONFIRMED:${m.id}`, `match ${m.id} MATCH_CONFIRMED`, m.state === 'confirmed' ? 1 : 0);
    expectOne(`MATCH_REJECTED:${m.id}`, `match ${m.id} MATCH_REJECTED`, m.state === 'rejected' ? 1 : 0);
  }
  const matchIds = new Set((db.prepare('SELECT id FROM matches').pluck().all() as number[]).map(String));
  for (const e of all)
    if (e.type === 'MATCH_PROPOSED' && !matchIds.has(String(e.payload.matchId)))
      out.push(`MATCH_PROPOSED for match ${String(e.payload.matchId)} which does not exist`);
  const byEsc = countBy(
    all,
    ['MATCH_ESCALATED', 'PERIOD_CLOSE_REQUESTED', 'IMPORT_HELD_FOR_APPROVAL'],
    'escalationId',
  );
  const requestEvent: Record<string, string> = {
    period: 'PERIOD_CLOSE_REQUESTED',
    import: 'IMPORT_HELD_FOR_APPROVAL',
  };
  for (const x of db.prepare('SELECT id, subject_kind FROM escalations').all() as {
    id: number;
    subject_kind: string;
  }[]) {
    const type = requestEvent[x.subject_kind] ?? 'MATCH_ESCALATED';
    const n = byEsc.get(`${type}:${x.id}`) ?? 0;
    if (n !== 1) out.push(`escalation ${x.id} ${type}: ${n} event(s), expected 1`);
  }
  const byExc = countBy(all, ['EXCEPTION_FLAGGED'], 'exceptionId');
  for (const id of db.prepare('SELECT id FROM exceptions').pluck().all() as number[]) {
    const n = byExc.get(`EXCEPTION_FLAGGED:${id}`) ?? 0;
    if (n !== 1) out.push(`exception ${id} EXCEPTION_FLAGGED: ${n} event(s), expected 1`);
  }
  const byRun = countBy(all, ['RECON_RUN_STARTED', ...Object.values(TERMINAL)], 'runId');
  for (const r of db.prepare('SELECT id, state FROM workflow_runs').all() as {
    id: number;
    state: string;
  }[]) {
    if ((byRun.get(`RECON_RUN_STARTED:${r.id}`) ?? 0) !== 1)
      out.push(`run ${r.id}: not exactly one RECON_RUN_STARTED`);
    for (const [state, type] of Object.entries(TERMINAL)) {
      const n = byRun.get(`${type}:${r.id}`) ?? 0;
      const want = r.state === state ? 1 : 0;
      if (n !== want) out.push(`run ${r.id} (${r.state}) ${type}: ${n} event(s), expected ${want}`);
    }
  }
  const imported = all
    .filter((e) => e.type === 'ENTRIES_IMPORTED' || e.type === 'DEMO_SEEDED')
    .reduce((s, e) => s + Number(e.payload.count ?? 0), 0);
  const entries = db.prepare('SELECT COUNT(*) FROM entries').pluck().get() as number;
  if (imported !== entries) out.push(`${entries} entries but import/seed events account for ${imported}`);
  return out;
}
