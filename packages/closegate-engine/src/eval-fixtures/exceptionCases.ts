import { Decimal } from 'closegate-policy';
import { addDays, amountFor, CaseBook, CURRENCIES, dateFor, ENTITY_OF } from './builder.js';
import type { LabelledCase } from './types.js';

function cur(i: number): string {
  return CURRENCIES[i % CURRENCIES.length]!;
}

/** 30 exception cases: amount beyond tolerance, date beyond the window, no counterpart, FX mismatch, splits that do not sum. */
export function exceptionCases(): LabelledCase[] {
  const out: LabelledCase[] = [];
  for (let i = 0; i < 8; i++) {
    const c = cur(i);
    const b = new CaseBook();
    const amount = amountFor(i, c, 2);
    const other = new Decimal(amount).times(i % 2 === 0 ? '0.9' : '1.25').toFixed(c === 'JPY' ? 0 : 2);
    const ref = `AM-${i}`;
    const gl = b.line({
      source: 'gl',
      entity: ENTITY_OF[c]!,
      date: dateFor(i),
      amount,
      currency: c,
      reference: ref,
      description: 'Receipt',
    });
    b.line({
      source: 'bank',
      entity: ENTITY_OF[c]!,
      date: dateFor(i),
      amount: other,
      currency: c,
      reference: ref,
      description: 'Receipt',
    });
    out.push(
      b.done(
        `exception-amount-${i}`,
        'exception',
        c === 'USD' ? ['amount-mismatch'] : ['amount-mismatch', 'multi-currency'],
        gl,
        [],
      ),
    );
  }
  for (let i = 0; i < 8; i++) {
    const b = new CaseBook();
    const amount = amountFor(i, 'USD', 4);
    const ref = `LATE-${i}`;
    const gl = b.line({ source: 'gl', date: '2026-03-05', amount, reference: ref, description: 'Receipt' });
    b.line({
      source: 'bank',
      date: addDays('2026-03-05', 5 + i),
      amount,
      reference: ref,
      description: 'Receipt',
    });
    out.push(b.done(`exception-late-${i}`, 'exception', ['date-drift'], gl, []));
  }
  for (let i = 0; i < 6; i++) {
    const b = new CaseBook();
    const fee = b.line({
      source: 'bank',
      date: dateFor(i),
      amount: `-${12 + i}.50`,
      reference: `FEE-${i}`,
      description: 'Service fee',
    });
    b.line({
      source: 'gl',
      date: dateFor(i),
      amount: amountFor(i, 'USD', 5),
      reference: `GL-${i}`,
      description: 'Deposit',
    });
    out.push(b.done(`exception-orphan-${i}`, 'exception', ['no-counterpart'], fee, []));
  }
  for (let i = 0; i < 4; i++) {
    const b = new CaseBook();
    const yen = 200_000 + i * 50_000;
    const usd = new Decimal(yen).times('0.0065').times('1.05').toFixed(2); // 5 % off at the fixed rate
    const gl = b.line({
      source: 'gl',
      date: dateFor(i),
      amount: usd,
      reference: `FXM-${i}`,
      description: 'Foreign receipt',
    });
    b.line({
      source: 'bank',
      date: dateFor(i),
      amount: String(yen),
      currency: 'JPY',
      reference: `FXM-${i}`,
      description: 'Foreign receipt',
    });
    out.push(b.done(`exception-fx-${i}`, 'exception', ['multi-currency', 'amount-mismatch'], gl, []));
  }
  for (let i = 0; i < 4; i++) {
    const b = new CaseBook();
    const gl = b.line({
      source: 'gl',
      date: dateFor(i),
      amount: '1000.00',
      reference: `SPL-${i}`,
      description: 'Batch',
    });
    b.line({
      source: 'bank',
      date: dateFor(i),
      amount: '400.00',
      reference: `SPL-${i}-1`,
      description: 'Batch part',
    });
    b.line({
      source: 'bank',
      date: dateFor(i),
      amount: `${500 + i * 7}.00`,
      reference: `SPL-${i}-2`,
      description: 'Batch part',
    });
    out.push(b.done(`exception-split-${i}`, 'exception', ['split'], gl, []));
  }
  return out;
}
