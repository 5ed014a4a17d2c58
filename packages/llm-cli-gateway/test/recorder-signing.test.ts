import fs from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eventHash, loadOrCreateKeyFile } from 'audit-chain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlightRecorder } from '../src/recorder/recorder.js';
import { CHAIN_TABLE } from '../src/recorder/schema.js';
import { tempDir } from './helpers/env.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

function recorded(): { rec: FlightRecorder; db: string } {
  const db = join(dir, 'logs.db');
  const rec = new FlightRecorder(db, [], {}, loadOrCreateKeyFile(join(dir, 'keys', 'recorder.key')));
  for (const id of ['c-1', 'c-2']) {
    rec.start({ correlationId: id, owner: 'alice', transport: 'stdio', cli: 'claude', prompt: 'hello' });
    rec.complete(id, 'alice', { status: 'completed', durationMs: 5, exitCode: 0, response: 'hi' });
  }
  return { rec, db };
}

describe('flight recorder with signed heads', () => {
  it('signs every write and verifies; a forged chain event with a correct hash is caught', () => {
    const { rec, db } = recorded();
    expect(rec.verify()).toMatchObject({ ok: true, requests: 2, chainEvents: 4 });
    expect(fs.readFileSync(`${db}.audit-heads.jsonl`, 'utf8').trim().split('\n')).toHaveLength(4);
    const raw = new Database(db);
    const table = CHAIN_TABLE;
    const head = raw.prepare(`SELECT seq, hash FROM ${table} ORDER BY seq DESC LIMIT 1`).get() as {
      seq: number;
      hash: string;
    };
    const f = {
      seq: head.seq + 1,
      eventId: 'forged',
      ts: '2026-01-01T00:00:00.000Z',
      actor: 'alice',
      type: 'request.started',
      payloadJson: '{"correlationId":"c-9","digest":"x"}',
    };
    raw
      .prepare(`INSERT INTO ${table} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(f.seq, f.eventId, f.ts, f.actor, f.type, f.payloadJson, head.hash, eventHash(head.hash, f));
    raw.close();
    expect(rec.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/covered by no signed head/),
    });
    rec.close();
  });
});
