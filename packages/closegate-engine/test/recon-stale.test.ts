import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import type { Engine, ReconPassResult, ReconProgress } from '../src/index.js';
import { demoEngine } from './helpers.js';

/**
 * The pass loads the open lines, matches them, then applies its proposals in
 * batches. It trusts the loaded lines only while nothing else wrote; these
 * tests take a line from under it between the match and the first batch,
 * the way a concurrent agent or a second process would.
 */
function lineOfFirstProposal(e: Engine): number {
  const db = e.context.store.db;
  // a GL line that the matcher pairs exactly in the demo pack (exact matches are proposed first)
  return db
    .prepare("SELECT id FROM entries WHERE source = 'gl' AND state = 'unmatched' ORDER BY id LIMIT 1")
    .pluck()
    .get() as number;
}

function linesInTwoMatches(e: Engine): number {
  return e.context.store.db
    .prepare(
      `SELECT count(*) FROM (SELECT l.entry_id FROM match_lines l JOIN matches m ON m.id = l.match_id
       WHERE m.state <> 'rejected' GROUP BY l.entry_id HAVING count(*) > 1)`,
    )
    .pluck()
    .get() as number;
}

/** The pass left the taken line alone: skipped, in no match, still the other actor's exception. */
function expectTakenLineSkipped(e: Engine, pass: ReconPassResult, taken: number): void {
  expect(pass.skippedStale).toBeGreaterThanOrEqual(1);
  const items = [...pass.autoConfirmed, ...pass.escalated, ...pass.denied];
  expect(items.some((i) => i.entryIds.includes(taken))).toBe(false);
  expect(e.context.store.entries.get(taken)?.state).toBe('exception');
  expect(linesInTwoMatches(e)).toBe(0);
}

function afterMatching(action: () => void): (p: ReconProgress) => void {
  let done = false;
  return (p) => {
    if (p.stage === 'match' && !done) {
      done = true;
      action();
    }
  };
}

describe('recon pass against lines taken while it was matching', () => {
  it('skips a proposal whose line another connection changed (data_version moved)', () => {
    const e = demoEngine();
    const taken = lineOfFirstProposal(e);
    const other = new Database(e.dbPath);
    const pass = e.runReconPass({
      onProgress: afterMatching(() => {
        other.prepare("UPDATE entries SET state = 'exception' WHERE id = ?").run(taken);
      }),
    });
    other.close();
    expect(pass.error).toBeUndefined();
    expect(pass.state).toBe('SUCCEEDED');
    expectTakenLineSkipped(e, pass, taken);
    e.close();
  });

  it('skips a proposal whose line was flagged through the same connection (no data_version change)', () => {
    const e = demoEngine();
    const taken = lineOfFirstProposal(e);
    const pass = e.runReconPass({
      onProgress: afterMatching(() => {
        const r = e.operations.flagException({
          actor: 'human:alice',
          idempotencyKey: 'flag-during-pass',
          entryId: taken,
          reason: 'disputed with the bank',
        });
        expect(r.status).toBe('flagged');
      }),
    });
    expect(pass.state).toBe('SUCCEEDED');
    expectTakenLineSkipped(e, pass, taken);
    e.close();
  });

  it('does not flag again a line the matcher left over that another actor flagged meanwhile', () => {
    const probe = demoEngine();
    const leftover = probe.runReconPass().exceptions[0]!.entryId; // demo packs are seeded identically
    probe.close();
    for (const via of ['same connection', 'other connection'] as const) {
      const e = demoEngine();
      const other = new Database(e.dbPath);
      const pass = e.runReconPass({
        onProgress: afterMatching(() => {
          if (via === 'other connection')
            other.prepare("UPDATE entries SET state = 'exception' WHERE id = ?").run(leftover);
          else
            e.operations.flagException({
              actor: 'human:alice',
              idempotencyKey: 'flag-leftover',
              entryId: leftover,
              reason: 'known timing difference',
            });
        }),
      });
      other.close();
      expect(pass.state, via).toBe('SUCCEEDED');
      expect(pass.exceptions.length, via).toBeGreaterThan(0);
      expect(
        pass.exceptions.some((x) => x.entryId === leftover),
        via,
      ).toBe(false);
      const flagged = e.context.store.db
        .prepare('SELECT count(*) FROM exceptions WHERE entry_id = ?')
        .pluck()
        .get(leftover);
      expect(flagged, via).toBe(via === 'same connection' ? 1 : 0);
      e.close();
    }
  });

  it('with nothing else writing, proposes every line the matcher paired exactly once', () => {
    const e = demoEngine();
    const pass = e.runReconPass({ batchSize: 5 });
    expect(pass.skippedStale).toBe(0);
    const ids = [...pass.autoConfirmed, ...pass.escalated, ...pass.denied].flatMap((i) => i.entryIds);
    expect(new Set(ids).size).toBe(ids.length);
    expect(linesInTwoMatches(e)).toBe(0);
    e.close();
  });

  it('with nothing else writing, a signed pass of many batches reads none of its lines back from SQL', () => {
    // the signed-head row each batch writes is the pass's own: it must not make later batches distrust the load
    const e = demoEngine();
    expect(e.context.store.audit.publicKeyPem).toBeDefined();
    const reads = vi.spyOn(e.context.store.entries, 'get');
    const pass = e.runReconPass({ batchSize: 5 });
    expect(pass.proposed).toBeGreaterThan(10);
    expect(reads).not.toHaveBeenCalled();
    expect(e.queries.verifyAudit().ok).toBe(true);
    e.close();
  });
});
