import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuditChain, canonicalJson, GENESIS_HASH, hashInput, openSqlite } from '../src/index.js';
import { hashBody, hashBodySql, hashText } from '../src/chain/hash-format.js';

const label = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
  // eslint-disable-next-line no-control-regex
  .filter((s) => s.trim() === s && !/[\u0000-\u001f\u007f]/.test(s));

describe('hash format', () => {
  it('hashInput is prev_hash followed by the canonical JSON of the six hashed fields', () => {
    fc.assert(
      fc.property(
        label,
        label,
        fc.dictionary(fc.string(), fc.string()),
        fc.integer({ min: 1 }),
        (actor, type, payload, seq) => {
          const payloadJson = canonicalJson(payload);
          const fields = { seq, eventId: 'e-1', ts: '2026-01-01T00:00:00.000Z', actor, type, payloadJson };
          const expected = canonicalJson({ seq, event_id: 'e-1', ts: fields.ts, actor, type, payload });
          expect(hashInput(GENESIS_HASH, fields)).toBe(GENESIS_HASH + expected);
        },
      ),
    );
  });

  it('hashText (append) writes the same text as prev_hash + hashBody (verify) for any strings', () => {
    // quotes, backslashes, controls, non-ASCII and lone surrogates take the JSON.stringify path
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('a', '"', '\\', '-', ':', '\u0001', 'é', '\ud800'), maxLength: 12 }),
      fc.uuid(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
        fc.nat(),
        text,
        text,
        text,
        text,
        text,
        (prev, seq, eventId, ts, actor, type, payloadJson) => {
          // twice: the second call takes the remembered quoted labels
          for (let i = 0; i < 2; i++)
            expect(hashText(prev, seq, eventId, ts, actor, type, payloadJson)).toBe(
              prev + hashBody(seq, eventId, ts, actor, type, payloadJson),
            );
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('the SQL-built text verify uses equals the JS-built text append uses (property)', () => {
    const db = openSqlite(':memory:');
    const chain = new AuditChain(db);
    const body = db.prepare(`SELECT ${hashBodySql()} FROM audit_events WHERE seq = ?`).pluck();
    fc.assert(
      fc.property(
        label,
        label,
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.maxSafeInteger())),
        (actor, type, payload) => {
          const r = chain.append({ actor, type, payload, eventId: `id-"\\-${chain.count()}` });
          const js = hashInput('', {
            seq: r.seq,
            eventId: r.eventId,
            ts: r.ts,
            actor,
            type,
            payloadJson: canonicalJson(payload),
          });
          expect(body.get(r.seq)).toBe(js);
        },
      ),
      { numRuns: 300 },
    );
    expect(chain.verify()).toMatchObject({ ok: true, count: 300 });
  });
});
