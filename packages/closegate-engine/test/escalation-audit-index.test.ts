import path from 'node:path';
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../src/index.js';
import { escalationContext, matchContext } from '../src/queries/desk-escalation.js';
import { auditPageSql } from '../src/queries/desk.js';
import { AUDIT_REF_INDEXES, auditRefTerm } from '../src/store/auditIndexes.js';
import { schemaVersion } from '../src/store/migrations.js';
import { fixedClock, key, tempDir } from './helpers.js';

/**
 * The escalation detail view (desk_get_escalation, `escalations show`) and the
 * match view find their audit events through indexes on the payload's matchId /
 * escalationId (migration 9), not by scanning the chain; the events found are
 * the ones the scan found.
 */

const LATE_CSV =
  'source,entity,account_code,posting_date,amount,currency,reference,description,counterparty\r\n' +
  'gl,US01,1010,2026-03-15,10.00,USD,LATE-1,late accrual,\r\n';

/** The demo pack after a recon pass, decisions on some escalations, a period close and a held import. */
function busyDemo(dbPath: string): Engine {
  const e = openEngine({ dbPath, now: fixedClock() });
  e.seedDemo();
  const pass = e.runReconPass();
  const [first, second] = pass.escalated;
  e.operations.resolveEscalation({
    actor: 'human:alice',
    idempotencyKey: key('ix'),
    escalationId: first!.escalationId!,
    decision: 'approve',
    rationale: 'agreed to the statement',
  });
  e.operations.resolveEscalation({
    actor: 'human:bob',
    idempotencyKey: key('ix'),
    escalationId: second!.escalationId!,
    decision: 'reject',
    rationale: 'different invoices',
  });
  const close = e.operations.closePeriod({
    actor: 'human:alice',
    idempotencyKey: key('ix'),
    entity: 'US01',
    period: '2026-03',
  });
  for (const actor of ['human:bob', 'human:carol'])
    e.operations.resolveEscalation({
      actor,
      idempotencyKey: key('ix'),
      escalationId: close.escalationId!,
      decision: 'approve',
      rationale: 'tied out',
    });
  const held = e.operations.importCsv({ actor: 'human:alice', csv: LATE_CSV });
  e.operations.resolveEscalation({
    actor: 'human:bob',
    idempotencyKey: key('ix'),
    escalationId: held.escalationId!,
    decision: 'approve',
    rationale: 'late accrual',
  });
  return e;
}

/** The lookup as it was before migration 9: a filter on json_extract over the whole chain. */
function scanned(db: Database.Database, field: 'matchId' | 'escalationId', id: number) {
  return (
    db
      .prepare(
        `SELECT seq, event_id AS eventId, ts, actor, type, payload, prev_hash AS prevHash, hash
         FROM audit_events NOT INDEXED WHERE json_extract(payload, '$.${field}') = ?
         ORDER BY seq DESC LIMIT 200`,
      )
      .all(id) as { payload: string }[]
  )
    .map((r) => ({ ...r, payload: JSON.parse(r.payload) as unknown }))
    .reverse();
}

function plan(db: Database.Database, field: 'matchId' | 'escalationId'): string {
  const sql = auditPageSql(`WHERE ${auditRefTerm(field, 'id')}`);
  return (
    db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ id: 1, limit: 200, offset: 0 }) as { detail: string }[]
  )
    .map((r) => r.detail)
    .join('\n');
}

/** Every escalation's and every match's detail events, as the views return them. */
function detailViews(e: Engine) {
  const db = e.context.store.db;
  const escalations = db.prepare('SELECT id FROM escalations ORDER BY id').pluck().all() as number[];
  const matches = db.prepare('SELECT id FROM matches ORDER BY id').pluck().all() as number[];
  return {
    escalations: escalations.map((id) => escalationContext(e.queries, db, id, e.context.policy).auditEvents),
    matches: matches.map((id) => matchContext(e.queries, db, id).auditEvents),
  };
}

function expectSameAsScan(e: Engine) {
  const db = e.context.store.db;
  const views = detailViews(e);
  const escalations = db
    .prepare('SELECT id, subject_kind AS kind, subject_id AS subjectId FROM escalations ORDER BY id')
    .all() as { id: number; kind: string; subjectId: string }[];
  expect(escalations.map((x) => x.kind)).toEqual(expect.arrayContaining(['match', 'period', 'import']));
  escalations.forEach((x, i) => {
    const expected =
      x.kind === 'match' ? scanned(db, 'matchId', Number(x.subjectId)) : scanned(db, 'escalationId', x.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(views.escalations[i]).toEqual(expected);
  });
  const matchIds = db.prepare('SELECT id FROM matches ORDER BY id').pluck().all() as number[];
  matchIds.forEach((id, i) => expect(views.matches[i]).toEqual(scanned(db, 'matchId', id)));
}

describe('escalation detail: audit events by index, same events as the scan', () => {
  it('returns exactly what the chain scan returned, for every escalation and match of the demo pack', () => {
    const e = busyDemo(path.join(tempDir(), 'recon.db'));
    try {
      expectSameAsScan(e);
    } finally {
      e.close();
    }
  });

  it('EXPLAIN QUERY PLAN: both lookups search their index; nothing scans audit_events', () => {
    const e = busyDemo(path.join(tempDir(), 'recon.db'));
    try {
      const db = e.context.store.db;
      for (const field of ['matchId', 'escalationId'] as const) {
        const p = plan(db, field);
        expect(p).not.toMatch(/SCAN audit_events/);
        expect(p).toMatch(new RegExp(`SEARCH audit_events USING INDEX ${AUDIT_REF_INDEXES[field]}`));
      }
    } finally {
      e.close();
    }
  });

  it('migration 9 indexes an existing database: its events are found through the index', () => {
    const dbPath = path.join(tempDir(), 'recon.db');
    const before = busyDemo(dbPath);
    const expected = detailViews(before);
    // the file as release 8 left it: no audit indexes, schema version 8
    const db = before.context.store.db;
    for (const name of Object.values(AUDIT_REF_INDEXES)) db.exec(`DROP INDEX ${name}`);
    db.prepare('DELETE FROM schema_migrations WHERE version >= 9').run();
    expect(plan(db, 'matchId')).toMatch(/SCAN audit_events/);
    before.close();

    const after = openEngine({ dbPath, now: fixedClock('2026-05-01T00:00:00.000Z') });
    try {
      const adb = after.context.store.db;
      expect(schemaVersion(adb)).toBeGreaterThanOrEqual(9);
      expect(plan(adb, 'matchId')).not.toMatch(/SCAN audit_events/);
      expect(plan(adb, 'escalationId')).not.toMatch(/SCAN audit_events/);
      expect(detailViews(after)).toEqual(expected);
      expectSameAsScan(after);
      expect(after.queries.verifyAudit().ok).toBe(true);
    } finally {
      after.close();
    }
  });

  it('a malformed payload (a tampered row) is skipped by the index, not an error for the view', () => {
    const e = busyDemo(path.join(tempDir(), 'recon.db'));
    try {
      const db = e.context.store.db;
      const id = db.prepare('SELECT id FROM escalations ORDER BY id LIMIT 1').pluck().get() as number;
      const good = escalationContext(e.queries, db, id, e.context.policy).auditEvents;
      // forge a row past the append-only triggers (what verify exists to catch)
      db.exec('DROP TRIGGER audit_events_no_update');
      db.prepare('UPDATE audit_events SET payload = ? WHERE seq = 1').run('{not json');
      expect(escalationContext(e.queries, db, id, e.context.policy).auditEvents).toEqual(
        good.filter((ev) => ev.seq !== 1),
      );
      expect(e.queries.verifyAudit().ok).toBe(false);
    } finally {
      e.close();
    }
  });
});
