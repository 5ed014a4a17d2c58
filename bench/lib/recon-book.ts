/**
 * The synthetic book of the closegate recon benchmark: N GL lines and about
 * N bank lines (90 % exact pairs, 5 % fuzzy, 3 % many-to-one splits, 2 %
 * exceptions), generated lazily and deterministically, and its insertion
 * into an engine in import-sized transactions.
 */
import type { Engine, NewEntry } from 'closegate-engine';

/** The actor of the book's import events. */
const BENCH_ACTOR = 'engine:bench';

/** Lines per import transaction. */
const INSERT_CHUNK = 100_000;

function fromCents(c: number): string {
  const s = String(c).padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

function day(i: number): string {
  return new Date(Date.UTC(2026, 0, 1) + (i % 360) * 86_400_000).toISOString().slice(0, 10);
}

/** Deterministic synthetic book: `n` GL lines and about `n` bank lines, generated lazily. */
export function* syntheticBook(n: number): Generator<NewEntry> {
  const base = { entity: 'US01', accountCode: '1010', currency: 'USD', counterparty: '' };
  for (let i = 0; i < n; i++) {
    const cents = 1000 + ((i * 7_919_993) % 998_000); // 10.00 .. 9,990.00 USD: below the 10,000 USD materiality
    const date = day(i * 7);
    const ref = `R${i}`;
    yield {
      ...base,
      source: 'gl',
      postingDate: date,
      amount: fromCents(cents),
      reference: ref,
      description: `payment ${i}`,
    };
    const kind = i % 100;
    if (kind < 90) {
      yield {
        ...base,
        source: 'bank',
        postingDate: date,
        amount: fromCents(cents),
        reference: ref,
        description: `payment ${i}`,
      };
    } else if (kind < 95) {
      yield {
        ...base,
        source: 'bank',
        postingDate: day(i * 7 + 2),
        amount: fromCents(cents),
        reference: `R-${i}x`,
        description: `payment ${i}`,
      };
    } else if (kind < 98) {
      const part = Math.floor(cents / 3);
      yield {
        ...base,
        source: 'bank',
        postingDate: date,
        amount: fromCents(part),
        reference: `${ref}-1`,
        description: `split ${i}`,
      };
      yield {
        ...base,
        source: 'bank',
        postingDate: date,
        amount: fromCents(cents - part),
        reference: `${ref}-2`,
        description: `split ${i}`,
      };
    } else {
      yield {
        ...base,
        source: 'bank',
        postingDate: day(i * 7 + 40),
        amount: fromCents(cents + 977),
        reference: `Z${i}`,
        description: `unrelated ${i}`,
      };
    }
  }
}

/** Inserts the book in chunks of one transaction each (as an import would); returns the line count. */
export function insertBook(e: Engine, n: number): number {
  const store = e.context.store;
  let count = 0;
  let chunk: NewEntry[] = [];
  const flush = () =>
    store.tx(() => {
      for (const l of chunk) store.entries.add(l, 'bench', '2026-01-01T00:00:00.000Z');
      store.audit.append({ type: 'ENTRIES_IMPORTED', actor: BENCH_ACTOR, payload: { count: chunk.length } });
      count += chunk.length;
      chunk = [];
    });
  for (const l of syntheticBook(n)) {
    chunk.push(l);
    if (chunk.length === INSERT_CHUNK) flush();
  }
  if (chunk.length > 0) flush();
  return count;
}
