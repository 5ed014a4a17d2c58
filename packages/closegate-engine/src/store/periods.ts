import type Database from 'better-sqlite3';
import type { PeriodState } from '../domain.js';

export interface PeriodRecord {
  entity: string;
  period: string;
  state: PeriodState;
  closedBy: string | null;
  closedAt: string | null;
}

/** SQL for accounting periods per entity (absent row = open). */
export class PeriodStore {
  private readonly byKey;
  private readonly upsert;
  private readonly all;

  constructor(db: Database.Database) {
    this.byKey = db.prepare('SELECT * FROM periods WHERE entity = ? AND period = ?');
    this.upsert = db.prepare(`INSERT INTO periods (entity, period, state, closed_by, closed_at)
      VALUES (@entity, @period, @state, @closedBy, @closedAt)
      ON CONFLICT (entity, period) DO UPDATE SET state = excluded.state, closed_by = excluded.closed_by, closed_at = excluded.closed_at`);
    this.all = db.prepare('SELECT * FROM periods ORDER BY entity, period');
  }

  get(entity: string, period: string): PeriodRecord {
    const r = this.byKey.get(entity, period) as
      | {
          entity: string;
          period: string;
          state: PeriodState;
          closed_by: string | null;
          closed_at: string | null;
        }
      | undefined;
    if (!r) return { entity, period, state: 'open', closedBy: null, closedAt: null };
    return {
      entity: r.entity,
      period: r.period,
      state: r.state,
      closedBy: r.closed_by,
      closedAt: r.closed_at,
    };
  }

  set(p: PeriodRecord): void {
    this.upsert.run(p);
  }

  list(): PeriodRecord[] {
    return (
      this.all.all() as {
        entity: string;
        period: string;
        state: PeriodState;
        closed_by: string | null;
        closed_at: string | null;
      }[]
    ).map((r) => ({
      entity: r.entity,
      period: r.period,
      state: r.state,
      closedBy: r.closed_by,
      closedAt: r.closed_at,
    }));
  }
}
