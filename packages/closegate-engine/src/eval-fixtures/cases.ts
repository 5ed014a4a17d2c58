import { Decimal } from 'closegate-policy';
import { addDays, amountFor, CaseBook, CURRENCIES, dateFor, ENTITY_OF, fromMinor } from './builder.js';
import { exceptionCases } from './exceptionCases.js';
import type { LabelledCase } from './types.js';

/**
 * The labelled fixtures of matcher v1 (125 cases), kept as the "legacy" set:
 * they were written for v1's similarity matching (a reference with a typo
 * in its digits was labelled fuzzy), which v2 refuses by design, so they are
 * reported for information only. The scored sets are in ./v2.
 *
 * The v1 fixtures (125 cases): 30 exact, 35 fuzzy, 30
 * many-to-one, 30 exceptions, across USD, JPY, INR and EUR books, with date
 * drift (incl. across a month-end close), reference typos, bank fees, split
 * payments, intercompany pairs and distractor lines. Deterministic.
 */
export function legacyCases(): LabelledCase[] {
  return [...exactCases(), ...fuzzyCases(), ...manyToOneCases(), ...exceptionCases()].map((c) => ({
    ...c,
    set: 'legacy' as const,
  }));
}

function cur(i: number): string {
  return CURRENCIES[i % CURRENCIES.length]!;
}

function exactCases(): LabelledCase[] {
  const out: LabelledCase[] = [];
  for (let i = 0; i < 25; i++) {
    const c = cur(i);
    const b = new CaseBook();
    const entity = ENTITY_OF[c]!;
    const amount = amountFor(i, c);
    const date = dateFor(i);
    const ref = `INV-${5000 + i}`;
    const gl = b.line({
      source: 'gl',
      entity,
      date,
      amount,
      currency: c,
      reference: ref,
      description: `Receipt ${ref}`,
    });
    const tags = ['distractor'];
    // distractor: same amount, other reference, a day later (exact must pick the right one)
    b.line({
      source: 'bank',
      entity,
      date: addDays(date, 1),
      amount,
      currency: c,
      reference: `INV-${7000 + i}`,
      description: 'Other receipt',
    });
    const bank = b.line({
      source: i % 3 === 0 ? 'subledger' : 'bank',
      entity,
      date,
      amount,
      currency: c,
      reference: ref.toLowerCase(),
      description: `RECEIPT ${ref}`,
    });
    if (c !== 'USD') tags.push('multi-currency');
    out.push(b.done(`exact-${i}`, 'exact', tags, gl, [gl, bank]));
  }
  for (let i = 0; i < 5; i++) {
    const b = new CaseBook();
    b.rules.push({
      name: 'ic',
      a: { entity: 'US01', accountCode: '1950' },
      b: { entity: 'GB01', accountCode: '2950' },
    });
    const amount = amountFor(i, 'USD', 3);
    const date = dateFor(i + 40);
    const ref = `IC-${i}`;
    const a = b.line({
      source: 'gl',
      entity: 'US01',
      account: '1950',
      date,
      amount,
      reference: ref,
      description: 'Recharge',
    });
    const z = b.line({
      source: 'gl',
      entity: 'GB01',
      account: '2950',
      date,
      amount: `-${amount}`,
      reference: ref,
      description: 'Recharge',
    });
    out.push(b.done(`exact-ic-${i}`, 'exact', ['intercompany'], a, [a, z]));
  }
  return out;
}

function fuzzyCases(): LabelledCase[] {
  const out: LabelledCase[] = [];
  const simple = (
    id: string,
    tags: string[],
    i: number,
    drift: { days?: number; ref?: string; amount?: string; desc?: string },
    c = 'USD',
  ) => {
    const b = new CaseBook();
    const entity = ENTITY_OF[c]!;
    const amount = amountFor(i, c, 1);
    const date = dateFor(i);
    const ref = `PAY-${3100 + i}`;
    const gl = b.line({
      source: 'gl',
      entity,
      date,
      amount,
      currency: c,
      reference: ref,
      description: `Payment to vendor ${i}`,
    });
    b.line({
      source: 'bank',
      entity,
      date: addDays(date, 9),
      amount: amountFor(i + 50, c, 1),
      currency: c,
      reference: `X-${i}`,
      description: 'Unrelated',
    });
    const bank = b.line({
      source: 'bank',
      entity,
      date: addDays(date, drift.days ?? 0),
      amount: drift.amount ?? amount,
      currency: c,
      reference: drift.ref ?? ref,
      description: drift.desc ?? `Payment to vendor ${i}`,
    });
    out.push(b.done(id, 'fuzzy', c === 'USD' ? tags : [...tags, 'multi-currency'], gl, [gl, bank]));
  };
  for (let i = 0; i < 10; i++) simple(`fuzzy-drift-${i}`, ['date-drift'], i, { days: (i % 3) + 1 }, cur(i));
  for (let i = 0; i < 8; i++) {
    const typo = [`PAY-${3110 + i}0`, `PAY-31${10 + i}X`, `PYA-${3110 + i}`, `PAY-3l1${i}`][i % 4]!;
    simple(`fuzzy-typo-${i}`, ['typo'], 10 + i, { ref: typo, days: i % 2 }, i % 2 === 0 ? 'USD' : 'INR');
  }
  for (let i = 0; i < 7; i++) {
    const c = i % 2 === 0 ? 'USD' : 'JPY';
    const amount = amountFor(20 + i, c, 1);
    const fee = c === 'JPY' ? new Decimal(10 * (i + 1)) : new Decimal(i + 1).times('0.11');
    simple(
      `fuzzy-fee-${i}`,
      ['bank-fee'],
      20 + i,
      {
        amount: new Decimal(amount).minus(fee).toFixed(c === 'JPY' ? 0 : 2),
        desc: `Payment to vendor ${20 + i} less fee`,
      },
      c,
    );
  }
  for (let i = 0; i < 5; i++) {
    // GL in USD, bank line in JPY or EUR of the same value at the fixed rate
    const b = new CaseBook();
    const jpy = i % 2 === 0;
    const foreign = jpy ? String(100_000 + i * 20_000) : fromMinor(BigInt(50_000 + i * 10_000), 2);
    const usd = new Decimal(foreign).times(jpy ? '0.0065' : '1.08').toFixed(2);
    const date = dateFor(30 + i);
    const ref = `FX-${i}`;
    const gl = b.line({ source: 'gl', date, amount: usd, reference: ref, description: 'Foreign receipt' });
    const bank = b.line({
      source: 'bank',
      date: addDays(date, 1),
      amount: foreign,
      currency: jpy ? 'JPY' : 'EUR',
      reference: ref,
      description: 'Foreign receipt',
    });
    out.push(b.done(`fuzzy-fx-${i}`, 'fuzzy', ['multi-currency'], gl, [gl, bank]));
  }
  for (let i = 0; i < 3; i++) {
    // Across the March close: GL on the 31st, bank on 1 or 2 April
    const b = new CaseBook();
    const amount = amountFor(60 + i, 'USD');
    const ref = `ME-${i}`;
    const gl = b.line({
      source: 'gl',
      date: '2026-03-31',
      amount,
      reference: ref,
      description: 'Month-end receipt',
    });
    const bank = b.line({
      source: 'bank',
      date: addDays('2026-03-31', i + 1),
      amount,
      reference: ref,
      description: 'Month-end receipt',
    });
    out.push(b.done(`fuzzy-close-window-${i}`, 'fuzzy', ['date-drift', 'close-window'], gl, [gl, bank]));
  }
  for (let i = 0; i < 2; i++) {
    const b = new CaseBook();
    b.rules.push({
      name: 'ic',
      a: { entity: 'US01', accountCode: '1950' },
      b: { entity: 'JP01', accountCode: '2950' },
    });
    const yen = 1_000_000 + i * 200_000;
    const usd = new Decimal(yen).times('0.0065').toFixed(2);
    const a = b.line({
      source: 'gl',
      entity: 'US01',
      account: '1950',
      date: '2026-03-25',
      amount: usd,
      reference: `IC-FX-${i}`,
      description: 'Recharge to JP01',
    });
    const z = b.line({
      source: 'gl',
      entity: 'JP01',
      account: '2950',
      date: '2026-03-26',
      amount: `-${yen}`,
      currency: 'JPY',
      reference: `IC-FX-${i}`,
      description: 'Recharge from US01',
    });
    out.push(b.done(`fuzzy-ic-${i}`, 'fuzzy', ['intercompany', 'multi-currency', 'date-drift'], a, [a, z]));
  }
  return out;
}

function manyToOneCases(): LabelledCase[] {
  const out: LabelledCase[] = [];
  for (let i = 0; i < 30; i++) {
    const c = i % 5 === 4 ? 'JPY' : i % 5 === 3 ? 'INR' : 'USD';
    const digits = c === 'JPY' ? 0 : 2;
    const entity = ENTITY_OF[c]!;
    const parts = 2 + (i % 3);
    const b = new CaseBook();
    const date = dateFor(i);
    const partAmounts = Array.from(
      { length: parts },
      (_, k) => BigInt(20_000 + ((i * 131 + k * 977) % 50_000)) * (c === 'JPY' ? 7n : 1n),
    );
    const total = partAmounts.reduce((s, v) => s + v, 0n);
    const manyGl = i % 4 === 3; // split on the GL side: several GL lines, one bank line
    const withRefs = i % 2 === 0;
    const ref = `SPLIT-${i}`;
    const one = b.line({
      source: manyGl ? 'bank' : 'gl',
      entity,
      date,
      amount: fromMinor(total, digits),
      currency: c,
      reference: ref,
      description: `Batch ${i}`,
    });
    const group = [one];
    partAmounts.forEach((v, k) => {
      group.push(
        b.line({
          source: manyGl ? 'gl' : 'bank',
          entity,
          date: addDays(date, (k % 3) - 1),
          amount: fromMinor(v, digits),
          currency: c,
          reference: withRefs ? `${ref}-${k + 1}` : '',
          description: `Batch ${i} part ${k + 1}`,
        }),
      );
    });
    // distractor in the window that cannot complete the sum
    b.line({
      source: manyGl ? 'gl' : 'bank',
      entity,
      date: addDays(date, 1),
      amount: fromMinor(partAmounts[0]! + 1n, digits),
      currency: c,
      reference: `NOISE-${i}`,
      description: 'Unrelated',
    });
    const tags = ['split'];
    if (c !== 'USD') tags.push('multi-currency');
    if (!withRefs) tags.push('no-reference');
    out.push(b.done(`many-to-one-${i}`, 'many_to_one', tags, one, group));
  }
  return out;
}
