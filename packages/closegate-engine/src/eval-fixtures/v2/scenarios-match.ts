import { Decimal } from 'closegate-policy';
import type { LabelledCase } from '../types.js';
import { addBusinessDays, bookFor, invoiceNo, money, otherParty, party, rateOn, someDay } from './common.js';
import type { Rng } from './rng.js';
import type { Style } from './styles.js';

export type Scenario = (s: Style, r: Rng, id: string) => LabelledCase;

/** Exact: a US receipt whose bank narrative (ACH, wire or SEPA format) carries the invoice; drift over weekends; a same-amount line of another customer nearby. */
export const exactUsReceipt: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const p = party(s, 'us', r);
  const q = otherParty(s, 'us', p, r);
  const inv = s.invoice(invoiceNo(r));
  const d = someDay(r);
  const amt = money(r.amount(5_000, 2_500_000), 'USD');
  const gl = b.line({
    source: 'gl',
    date: d,
    amount: amt,
    reference: inv,
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const fmt = r.pick([s.ach, s.wire, s.sepa]);
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, r.int(0, 3)),
    amount: amt,
    ...fmt(p, inv, r),
  });
  b.truth(gl, bank);
  // another customer's payment of the same amount, no shared reference
  const inv2 = s.invoice(invoiceNo(r));
  b.line({ source: 'bank', date: addBusinessDays(d, 1), amount: amt, ...fmt(q, inv2, r) });
  return b.done(id, s.set, 'exact', ['ach-wire-sepa', 'date-drift', 'distractor'], gl);
};

/** Exact: Indian NEFT/UPI narration quoting the invoice. */
export const exactIndia: Scenario = (s, r, id) => {
  const b = bookFor('india', r);
  const p = party(s, 'india', r);
  const inv = s.invoice(invoiceNo(r));
  const d = someDay(r);
  const amt = money(r.amount(100_000, 50_000_000), 'INR');
  const gl = b.line({
    source: 'gl',
    date: d,
    amount: amt,
    reference: inv,
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const fmt = r.pick([s.neft, s.upi]);
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, r.int(0, 2)),
    amount: amt,
    ...fmt(p, inv, r),
  });
  b.truth(gl, bank);
  b.line({
    source: 'bank',
    date: d,
    amount: money(r.amount(100_000, 50_000_000), 'INR'),
    ...fmt(p, s.invoice(invoiceNo(r)), r),
  });
  return b.done(id, s.set, 'exact', ['neft-upi', 'multi-currency'], bank);
};

/** Exact: two open invoices of the same customer and amount, consecutive numbers; the payment names one. */
export const exactConsecutive: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const p = party(s, 'us', r);
  const n = invoiceNo(r);
  const d = someDay(r);
  const amt = money(r.amount(10_000, 900_000), 'USD');
  const first = b.line({
    source: 'gl',
    date: d,
    amount: amt,
    reference: s.invoice(n),
    description: s.glReceipt,
    counterparty: p.gl,
  });
  b.line({
    source: 'gl',
    date: d,
    amount: amt,
    reference: s.invoice(n + 1),
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, 1),
    amount: amt,
    ...s.wire(p, s.invoice(n), r),
  });
  b.truth(first, bank);
  return b.done(id, s.set, 'exact', ['consecutive-invoice', 'lookalike'], bank);
};

/** Exact: a single check deposit against the GL check receipt. */
export const exactCheck: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const p = party(s, 'us', r);
  const num = String(r.int(1000, 99999)).padStart(6, '0');
  const d = someDay(r);
  const amt = money(r.amount(2_000, 400_000), 'USD');
  const gl = b.line({ source: 'gl', date: d, amount: amt, ...s.glCheck(num), counterparty: p.gl });
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, r.int(1, 2)),
    amount: amt,
    ...s.check(num),
  });
  b.truth(gl, bank);
  b.line({
    source: 'bank',
    date: d,
    amount: money(r.amount(2_000, 400_000), 'USD'),
    ...s.check(String(r.int(1000, 99999))),
  });
  return b.done(id, s.set, 'exact', ['check'], gl);
};

/** Exact: intercompany recharge booked on both sides in USD. */
export const exactIntercompany: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  b.rules.push({
    name: 'ic',
    a: { entity: 'US01', accountCode: s.ic.accountA },
    b: { entity: 'CA01', accountCode: s.ic.accountB },
  });
  const d = someDay(r);
  const amt = r.amount(100_000, 5_000_000);
  const ref = s.ic.ref(r.int(100, 999));
  const a = b.line({
    source: 'gl',
    account: s.ic.accountA,
    date: d,
    amount: money(amt, 'USD'),
    reference: ref,
    description: 'Management fee recharge',
  });
  const z = b.line({
    source: 'gl',
    entity: 'CA01',
    account: s.ic.accountB,
    date: addBusinessDays(d, r.int(0, 2)),
    amount: money(-amt, 'USD'),
    reference: ref,
    description: 'Management fee from US01',
  });
  b.truth(a, z);
  return b.done(id, s.set, 'exact', ['intercompany'], a);
};

/** Fuzzy: a wire received net of the bank's fee (the narrative names the invoice). */
export const fuzzyWireFee: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const p = party(s, 'us', r);
  const inv = s.invoice(invoiceNo(r));
  const d = someDay(r);
  const gross = r.amount(200_000, 5_000_000);
  const fee = BigInt(r.pick([1500, 2000, 2500, 3500, 4500]));
  const gl = b.line({
    source: 'gl',
    date: d,
    amount: money(gross, 'USD'),
    reference: inv,
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, r.int(0, 2)),
    amount: money(gross - fee, 'USD'),
    ...s.wire(p, inv, r),
  });
  b.truth(gl, bank);
  return b.done(id, s.set, 'fuzzy', ['bank-fee', 'variance'], bank);
};

/** Fuzzy: card settlement paid net of the acquirer's fee. */
export const fuzzyCard: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  const batch = String(r.int(1000, 9999));
  const d = someDay(r);
  const gross = r.amount(100_000, 3_000_000);
  const feePct = r.pick(['0.018', '0.0215', '0.0249', '0.029']);
  const net = BigInt(new Decimal(gross.toString()).times(new Decimal(1).minus(feePct)).toFixed(0));
  const gl = b.line({ source: 'gl', date: d, amount: money(gross, 'USD'), ...s.glCard(batch) });
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, r.int(1, 2)),
    amount: money(net, 'USD'),
    ...s.card(batch),
  });
  b.truth(gl, bank);
  b.line({
    source: 'bank',
    date: addBusinessDays(d, 1),
    amount: money(net + BigInt(r.int(500, 5000)), 'USD'),
    ...s.card(String(Number(batch) + 1)),
  });
  return b.done(id, s.set, 'fuzzy', ['card-settlement', 'bank-fee', 'variance'], bank);
};

/** Fuzzy: a foreign-currency receipt booked in USD at one day's rate, banked at another day's. */
export const fuzzyFx: Scenario = (s, r, id) => {
  const ccy = r.pick(s.fxCurrency);
  const b = bookFor('us', r);
  const p = party(s, 'us', r);
  const inv = s.invoice(invoiceNo(r));
  const d = someDay(r);
  const bankDay = addBusinessDays(d, r.int(1, 3));
  const foreign = ccy === 'JPY' ? r.amount(50_000, 5_000_000) : r.amount(100_000, 5_000_000);
  const usd = new Decimal(money(foreign, ccy)).times(rateOn(b.rates, ccy, d)).toFixed(2);
  const gl = b.line({
    source: 'gl',
    date: d,
    amount: usd,
    reference: inv,
    description: `${s.glReceipt} ${ccy}`,
    counterparty: p.gl,
  });
  const bank = b.line({
    source: 'bank',
    date: bankDay,
    amount: money(foreign, ccy),
    currency: ccy,
    ...s.sepa(p, inv, r),
  });
  b.truth(gl, bank);
  return b.done(id, s.set, 'fuzzy', ['multi-currency', 'fx', 'variance'], gl);
};

/** Fuzzy: Zengin furikomi in half-width kana, no invoice: amount, date and the payer's kana name. */
export const fuzzyZengin: Scenario = (s, r, id) => {
  const b = bookFor('japan', r);
  const p = party(s, 'japan', r);
  const q = otherParty(s, 'japan', p, r);
  const d = someDay(r);
  const amt = r.amount(10_000, 9_000_000);
  const gl = b.line({
    source: 'gl',
    date: d,
    amount: money(amt, 'JPY'),
    reference: `請求書 ${invoiceNo(r)}`,
    description: '売掛金入金',
    counterparty: p.gl,
  });
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, r.int(0, 2)),
    amount: money(amt, 'JPY'),
    ...s.zengin(p, r),
  });
  b.truth(gl, bank);
  // the same amount from another payer the same week
  const qBank = b.line({
    source: 'bank',
    date: addBusinessDays(d, 1),
    amount: money(amt, 'JPY'),
    ...s.zengin(q, r),
  });
  const qGl = b.line({
    source: 'gl',
    date: addBusinessDays(d, 2),
    amount: money(amt, 'JPY'),
    reference: `請求書 ${invoiceNo(r)}`,
    description: '売掛金入金',
    counterparty: q.gl,
  });
  b.truth(qBank, qGl);
  return b.done(id, s.set, 'fuzzy', ['zengin', 'nfkc', 'multi-currency'], bank);
};

/** Fuzzy: Indian customer paid net of TDS withheld (the narration names the invoice). */
export const fuzzyTds: Scenario = (s, r, id) => {
  const b = bookFor('india', r);
  const p = party(s, 'india', r);
  const inv = s.invoice(invoiceNo(r));
  const d = someDay(r);
  const gross = r.amount(1_000_000, 90_000_000);
  const tds = (gross * BigInt(r.pick([2, 10]))) / 100n;
  const gl = b.line({
    source: 'gl',
    date: d,
    amount: money(gross, 'INR'),
    reference: inv,
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, r.int(0, 3)),
    amount: money(gross - tds, 'INR'),
    ...s.neft(p, inv, r),
  });
  b.truth(gl, bank);
  return b.done(id, s.set, 'fuzzy', ['withholding-tax', 'variance', 'multi-currency'], bank);
};

/** Fuzzy: an RTGS credit naming only the payer; one open invoice of that amount for that payer. */
export const fuzzyNamedPayer: Scenario = (s, r, id) => {
  const b = bookFor('india', r);
  const p = party(s, 'india', r);
  const q = otherParty(s, 'india', p, r);
  const d = someDay(r);
  const amt = r.amount(500_000, 20_000_000);
  const gl = b.line({
    source: 'gl',
    date: d,
    amount: money(amt, 'INR'),
    reference: s.invoice(invoiceNo(r)),
    description: s.glReceipt,
    counterparty: p.gl,
  });
  const bank = b.line({
    source: 'bank',
    date: addBusinessDays(d, r.int(0, 2)),
    amount: money(amt, 'INR'),
    ...s.rtgsNoInvoice(p, r),
  });
  b.truth(gl, bank);
  b.line({
    source: 'gl',
    date: d,
    amount: money(amt + 100n * BigInt(r.int(1, 9)), 'INR'),
    reference: s.invoice(invoiceNo(r)),
    description: s.glReceipt,
    counterparty: q.gl,
  });
  return b.done(id, s.set, 'fuzzy', ['rtgs', 'counterparty'], bank);
};

/** Fuzzy: intercompany recharge, each side in its own currency at the daily rate. */
export const fuzzyIntercompanyFx: Scenario = (s, r, id) => {
  const b = bookFor('us', r);
  b.rules.push({
    name: 'ic',
    a: { entity: 'US01', accountCode: s.ic.accountA },
    b: { entity: s.ic.entity, accountCode: s.ic.accountB },
  });
  const d = someDay(r);
  const foreign = r.amount(1_000_000, 20_000_000);
  const usd = new Decimal(money(foreign, s.ic.currency)).times(rateOn(b.rates, s.ic.currency, d)).toFixed(2);
  const ref = s.ic.ref(r.int(100, 999));
  const a = b.line({
    source: 'gl',
    account: s.ic.accountA,
    date: d,
    amount: usd,
    reference: ref,
    description: `Recharge to ${s.ic.entity}`,
  });
  const z = b.line({
    source: 'gl',
    entity: s.ic.entity,
    account: s.ic.accountB,
    date: addBusinessDays(d, 1),
    amount: money(-foreign, s.ic.currency),
    currency: s.ic.currency,
    reference: ref,
    description: 'Recharge from US01',
  });
  b.truth(a, z);
  return b.done(id, s.set, 'fuzzy', ['intercompany', 'multi-currency', 'fx'], a);
};
