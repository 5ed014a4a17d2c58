import type { Scenario } from './scenarios-match.js';
import { addBusinessDays, addDays, bookFor, invoiceNo, money, otherParty, party, someDay } from './common.js';

/** Same amount, same week, different customers named on both sides: must not match. */
export const sameAmountOtherParty: Scenario = (s, r, id) => {
  const region = r.pick(['us', 'japan'] as const);
  const ccy = region === 'us' ? 'USD' : 'JPY';
  const b = bookFor(region, r);
  const p = party(s, region, r);
  const q = otherParty(s, region, p, r);
  const d = someDay(r);
  const amt = money(region === 'us' ? BigInt(r.int(10, 500)) * 10_000n : BigInt(r.int(10, 900)) * 1000n, ccy);
  b.line({
    source: 'gl',
    date: d,
    amount: amt,
    reference: s.invoice(invoiceNo(r)),
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, 1),
    amount: amt,
    ...(region === 'us' ? s.ach(q, s.invoice(invoiceNo(r)), r) : s.zengin(q, r)),
    counterparty: region === 'us' ? q.gl : '',
  });
  return b.done(id, s.set, 'exception', ['lookalike', 'counterparty'], bank, 'COUNTERPARTY_MISMATCH');
};

/** The payment quotes the next invoice number; only the previous one is open, same amount: must not match. */
export const consecutiveInvoice: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const p = party(s, 'us', r);
  const n = invoiceNo(r);
  const d = someDay(r);
  const amt = money(r.amount(10_000, 900_000), 'USD');
  b.line({
    source: 'gl',
    date: d,
    amount: amt,
    reference: s.invoice(n),
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, 1),
    amount: amt,
    ...r.pick([s.wire, s.sepa])(p, s.invoice(n + 1), r),
  });
  return b.done(id, s.set, 'exception', ['consecutive-invoice', 'lookalike'], bank, 'REFERENCE_MISMATCH');
};

/** Same invoice and amount, but the bank line is weeks later: outside every window. */
export const outOfWindow: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const p = party(s, 'us', r);
  const inv = s.invoice(invoiceNo(r));
  const d = someDay(r);
  const amt = money(r.amount(10_000, 900_000), 'USD');
  const gl = b.line({
    source: 'gl',
    date: d,
    amount: amt,
    reference: inv,
    description: s.glReceipt,
    counterparty: p.gl,
  });
  b.line({ source: 'bank', date: addDays(d, r.int(25, 40)), amount: amt, ...s.wire(p, inv, r) });
  return b.done(id, s.set, 'exception', ['date-drift', 'out-of-window'], gl, 'DATE_OUT_OF_WINDOW');
};

/** Two open receipts of one customer with the same amount and no reference; one payment: a human picks. */
export const ambiguousDuplicate: Scenario = (s, r, id) => {
  const b = bookFor('india', r);
  const p = party(s, 'india', r);
  const d = someDay(r);
  const amt = money(r.amount(100_000, 9_000_000), 'INR');
  b.line({ source: 'gl', date: d, amount: amt, reference: '', description: s.glReceipt, counterparty: p.gl });
  b.line({
    source: 'gl',
    date: addBusinessDays(d, 1),
    amount: amt,
    reference: '',
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const bank = b.line({ source: 'bank', date: addBusinessDays(d, 1), amount: amt, ...s.rtgsNoInvoice(p, r) });
  return b.done(id, s.set, 'exception', ['ambiguous'], bank, 'AMBIGUOUS');
};

/** A line in a currency with no rate at all: an exception, the rest of the book still matches. */
export const missingRate: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const p = party(s, 'us', r);
  const inv = s.invoice(invoiceNo(r));
  const d = someDay(r);
  const amt = r.amount(100_000, 2_000_000);
  const gl = b.line({
    source: 'gl',
    date: d,
    amount: money(amt, 'USD'),
    reference: inv,
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const mxn = b.line({
    source: 'bank',
    date: d,
    amount: money(amt * 17n, 'MXN'),
    currency: 'MXN',
    ...s.wire(p, inv, r),
  });
  const inv2 = s.invoice(invoiceNo(r));
  const g2 = b.line({
    source: 'gl',
    date: d,
    amount: money(amt + 777n, 'USD'),
    reference: inv2,
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const b2 = b.line({ source: 'bank', date: d, amount: money(amt + 777n, 'USD'), ...s.wire(p, inv2, r) });
  b.truth(g2, b2);
  void gl;
  return b.done(id, s.set, 'exception', ['fx-missing', 'multi-currency'], mxn, 'FX_RATE_MISSING');
};

/** Lookalike amounts: digits transposed (1,250.00 vs 1,520.00), other references: must not match. */
export const lookalikeAmount: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const p = party(s, 'us', r);
  const d = someDay(r);
  const a = r.int(1, 9);
  const c = (a % 9) + 1;
  const x = r.int(0, 9);
  const amt = BigInt(`${a}${x}${c}${r.int(10, 99)}`);
  const swapped = BigInt(`${c}${x}${a}${r.int(10, 99)}`);
  b.line({
    source: 'gl',
    date: d,
    amount: money(amt, 'USD'),
    reference: s.invoice(invoiceNo(r)),
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, 1),
    amount: money(swapped === amt ? amt + 9n : swapped, 'USD'),
    ...s.ach(p, s.invoice(invoiceNo(r)), r),
  });
  return b.done(id, s.set, 'exception', ['lookalike'], bank, 'NO_CANDIDATE');
};

/** A bank fee with nothing booked for it yet. */
export const unbookedFee: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const d = someDay(r);
  const fee = b.line({
    source: 'bank',
    date: d,
    amount: money(-BigInt(r.pick([1500, 2500, 4500, 12_000])), 'USD'),
    ...s.fee(r),
  });
  const p = party(s, 'us', r);
  const inv = s.invoice(invoiceNo(r));
  const amt = money(r.amount(10_000, 900_000), 'USD');
  const g = b.line({
    source: 'gl',
    date: d,
    amount: amt,
    reference: inv,
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const k = b.line({ source: 'bank', date: d, amount: amt, ...s.wire(p, inv, r) });
  b.truth(g, k);
  return b.done(id, s.set, 'exception', ['bank-fee'], fee, 'NO_CANDIDATE');
};
