import type { Scenario } from './scenarios-match.js';
import { addBusinessDays, bookFor, invoiceNo, money, party, someDay } from './common.js';

/** Split payment: one invoice paid in 2-4 instalments that each quote it. */
export const splitPayment: Scenario = (s, r, id) => {
  const region = r.pick(['us', 'india'] as const);
  const ccy = region === 'us' ? 'USD' : 'INR';
  const b = bookFor(region, r);
  const p = party(s, region, r);
  const inv = s.invoice(invoiceNo(r));
  const d = someDay(r);
  const parts = Array.from({ length: r.int(2, 4) }, () => r.amount(20_000, 900_000));
  const total = parts.reduce((a, v) => a + v, 0n);
  const gl = b.line({
    source: 'gl',
    date: d,
    amount: money(total, ccy),
    reference: inv,
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const fmt = region === 'us' ? s.wire : s.neft;
  const ids = parts.map((v, k) =>
    b.line({ source: 'bank', date: addBusinessDays(d, k), amount: money(v, ccy), ...fmt(p, inv, r) }),
  );
  b.truth(gl, ...ids);
  // another customer's payment in the window that would also "fit" one of the parts
  b.line({
    source: 'bank',
    date: addBusinessDays(d, 1),
    amount: money(parts[0]!, ccy),
    ...fmt(party(s, region, r), s.invoice(invoiceNo(r)), r),
  });
  return b.done(id, s.set, 'many_to_one', ['split', 'busy-window'], gl);
};

/** Lockbox: one bank deposit for a batch of checks, each booked as its own receipt; no shared reference. */
export const lockbox: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const d = someDay(r);
  const checks = Array.from({ length: r.int(3, 6) }, () => r.amount(5_000, 600_000));
  const total = checks.reduce((a, v) => a + v, 0n);
  const batch = String(r.int(100, 999));
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, 1),
    amount: money(total, 'USD'),
    ...s.lockbox(batch),
  });
  const ids = checks.map((v) =>
    b.line({
      source: 'gl',
      date: d,
      amount: money(v, 'USD'),
      ...s.lockboxItem(String(r.int(1000, 99999))),
      counterparty: party(s, 'us', r).gl,
    }),
  );
  b.truth(bank, ...ids);
  return b.done(id, s.set, 'many_to_one', ['lockbox', 'split'], bank);
};

/** GL reversal: a receipt posted, reversed and posted again; the bank shows one receipt. */
export const glReversal: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const p = party(s, 'us', r);
  const inv = s.invoice(invoiceNo(r));
  const d = someDay(r);
  const amt = r.amount(10_000, 2_000_000);
  const orig = b.line({
    source: 'gl',
    date: d,
    amount: money(amt, 'USD'),
    reference: inv,
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const rev = b.line({
    source: 'gl',
    date: addBusinessDays(d, 1),
    amount: money(-amt, 'USD'),
    reference: inv,
    description: s.glReversal(inv),
    counterparty: p.gl,
  });
  const repost = b.line({
    source: 'gl',
    date: addBusinessDays(d, 2),
    amount: money(amt, 'USD'),
    reference: inv,
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, 2),
    amount: money(amt, 'USD'),
    ...s.ach(p, inv, r),
  });
  b.truth(orig, rev);
  b.truth(repost, bank);
  return b.done(id, s.set, 'many_to_one', ['reversal', 'net-zero'], rev);
};

/** Bank return: an ACH credit returned (R01 / NSF) a few days later; both on the bank side. */
export const bankReturn: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const p = party(s, 'us', r);
  const inv = s.invoice(invoiceNo(r));
  const d = someDay(r);
  const amt = r.amount(10_000, 2_000_000);
  const credit = b.line({ source: 'bank', date: d, amount: money(amt, 'USD'), ...s.ach(p, inv, r) });
  const ret = b.line({
    source: 'bank',
    date: addBusinessDays(d, r.int(2, 4)),
    amount: money(-amt, 'USD'),
    ...s.returnOf(p, inv, r),
  });
  b.truth(credit, ret);
  // an unrelated GL receipt keeps the book two-sided
  b.line({
    source: 'gl',
    date: d,
    amount: money(r.amount(10_000, 2_000_000), 'USD'),
    reference: s.invoice(invoiceNo(r)),
    description: s.glReceipt,
    counterparty: party(s, 'us', r).gl,
  });
  return b.done(id, s.set, 'many_to_one', ['reversal', 'net-zero', 'return'], ret);
};

/** Many-to-many: two invoices of one customer settled by two payments that each quote both invoices. */
export const manyToMany: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const p = party(s, 'us', r);
  const n1 = invoiceNo(r);
  const n2 = n1 + r.int(5, 40);
  const d = someDay(r);
  const a1 = r.amount(50_000, 900_000);
  const a2 = r.amount(50_000, 900_000);
  const pay1 = a1 + a2 - BigInt(r.int(10_000, 40_000));
  const both = `${s.invoice(n1)} ${s.invoice(n2)}`;
  const g1 = b.line({
    source: 'gl',
    date: d,
    amount: money(a1, 'USD'),
    reference: s.invoice(n1),
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const g2 = b.line({
    source: 'gl',
    date: d,
    amount: money(a2, 'USD'),
    reference: s.invoice(n2),
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const b1 = b.line({
    source: 'bank',
    date: addBusinessDays(d, 1),
    amount: money(pay1, 'USD'),
    ...s.wire(p, both, r),
  });
  const b2 = b.line({
    source: 'bank',
    date: addBusinessDays(d, 3),
    amount: money(a1 + a2 - pay1, 'USD'),
    ...s.wire(p, both, r),
  });
  b.truth(g1, g2, b1, b2);
  return b.done(id, s.set, 'many_to_one', ['many-to-many', 'split'], g1);
};
