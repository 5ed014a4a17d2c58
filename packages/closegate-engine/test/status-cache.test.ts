import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/index.js';
import { demoEngine } from './helpers.js';

/** The status counts read straight from the tables: what a cache must always agree with. */
function fresh(e: Engine) {
  const db = e.context.store.db;
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  return {
    unmatched: count("SELECT COUNT(*) FROM entries WHERE state = 'unmatched'"),
    exception: count("SELECT COUNT(*) FROM entries WHERE state = 'exception'"),
    openExceptions: count("SELECT COUNT(*) FROM exceptions WHERE state = 'open'"),
    lastRunId: (db.prepare('SELECT MAX(id) FROM workflow_runs').pluck().get() as number | null) ?? null,
    head: e.context.store.audit.head(),
  };
}

function seen(e: Engine) {
  const s = e.queries.status();
  return {
    unmatched: s.entries.unmatched,
    exception: s.entries.exception,
    openExceptions: s.openExceptions,
    lastRunId: s.lastRun?.id ?? null,
    head: s.auditHead,
  };
}

const appendAudit = (e: Engine) =>
  e.context.store.tx(() =>
    e.context.store.audit.appendReturningHead({ type: 'T', actor: 'system:test', payload: {} }),
  );

describe('status counts cached on the store change stamp', () => {
  let e: Engine | undefined;
  afterEach(() => e?.close());

  it('stays equal to a fresh read across audit appends, own writes and rollbacks', () => {
    e = demoEngine();
    const engine = e;
    expect(seen(engine)).toEqual(fresh(engine));
    appendAudit(engine); // only the head moves
    expect(seen(engine)).toEqual(fresh(engine));
    const entry = engine.queries.unmatched({ limit: 1 })[0]!;
    engine.operations.flagException({
      actor: 'llm:t',
      idempotencyKey: 'k1',
      entryId: entry.id,
      reason: 'cache test',
    });
    expect(seen(engine)).toEqual(fresh(engine));
    // a read inside a transaction that already wrote, then rolled back, is never kept
    const other = engine.queries.unmatched({ limit: 1 })[0]!;
    expect(() =>
      engine.context.store.tx(() => {
        engine.context.store.db.prepare("UPDATE entries SET state = 'exception' WHERE id = ?").run(other.id);
        expect(seen(engine).unmatched).toBe(fresh(engine).unmatched);
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(seen(engine)).toEqual(fresh(engine));
    // a read at the start of a transaction that then only appends audit rows and rolls back
    expect(() =>
      engine.context.store.tx(() => {
        seen(engine);
        engine.context.store.audit.appendReturningHead({ type: 'T', actor: 'system:test', payload: {} });
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(seen(engine)).toEqual(fresh(engine));
    engine.runReconPass();
    expect(seen(engine)).toEqual(fresh(engine));
  });

  it('sees a commit from another connection and from another process', () => {
    e = demoEngine();
    const engine = e;
    expect(seen(engine)).toEqual(fresh(engine));
    const other = new Database(engine.dbPath);
    other.pragma('busy_timeout = 5000');
    const id = engine.queries.unmatched({ limit: 1 })[0]!.id;
    other.prepare("UPDATE entries SET state = 'exception' WHERE id = ?").run(id);
    other.close();
    expect(seen(engine)).toEqual(fresh(engine));
    const before = seen(engine).unmatched;
    const next = engine.queries.unmatched({ limit: 1 })[0]!.id;
    const script = `const D = require('better-sqlite3'); const db = new D(process.argv[1]); db.pragma('busy_timeout = 5000'); db.prepare("UPDATE entries SET state = 'exception' WHERE id = ?").run(Number(process.argv[2])); db.close();`;
    const r = spawnSync(process.execPath, ['-e', script, engine.dbPath, String(next)], {
      cwd: path.resolve(import.meta.dirname, '..'),
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(seen(engine).unmatched).toBe(before - 1);
    expect(seen(engine)).toEqual(fresh(engine));
  });

  it('hands out frozen counts, so a caller cannot change what the next one reads', () => {
    e = demoEngine();
    const s = e.queries.status();
    expect(() => {
      (s.entries as Record<string, number>).unmatched = -1;
    }).toThrow(TypeError);
    expect(e.queries.status().entries.unmatched).toBe(fresh(e).unmatched);
  });
});
