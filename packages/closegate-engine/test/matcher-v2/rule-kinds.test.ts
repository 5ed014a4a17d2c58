import { beforeEach, describe, expect, it } from 'vitest';
import { exceptionOf, line, match, proposalOf, resetIds } from './helpers.js';

beforeEach(resetIds);

const base = { name: 'r', sides: ['bank-gl' as const] };

describe('matcher v2: each rule kind', () => {
  it('equal reference: same amount and normalized reference, within the window', () => {
    const gl = line({ source: 'gl', amount: '1250.00', reference: 'INV-4411' });
    const bank = line({
      source: 'bank',
      amount: '1250.00',
      reference: 'inv 4411',
      postingDate: '2026-03-04',
    });
    const rules = [{ ...base, date: { days: 2 }, text: { reference: ['equal' as const] } }];
    expect(proposalOf(match([gl, bank], rules), gl.id)).toMatchObject({
      type: 'exact',
      entryIds: [1, 2],
      rule: 'r',
    });
    // one day more than the window: not matched
    const late = { ...bank, postingDate: '2026-03-05' };
    expect(match([gl, late], rules).proposals).toHaveLength(0);
  });

  it('business days: Friday to Monday is one business day, not three calendar days', () => {
    const gl = line({ source: 'gl', amount: '80.00', reference: 'INV-7001', postingDate: '2026-03-06' });
    const bank = line({ source: 'bank', amount: '80.00', reference: 'INV-7001', postingDate: '2026-03-09' });
    const business = [
      { ...base, date: { days: 1, unit: 'business' as const }, text: { reference: ['equal' as const] } },
    ];
    const calendar = [
      { ...base, date: { days: 1, unit: 'calendar' as const }, text: { reference: ['equal' as const] } },
    ];
    expect(match([gl, bank], business).proposals).toHaveLength(1);
    expect(match([gl, bank], calendar).proposals).toHaveLength(0);
    // a configured holiday on Monday pushes Tuesday to one business day after Friday too
    const tue = { ...bank, postingDate: '2026-03-10' };
    expect(match([gl, tue], business).proposals).toHaveLength(0);
    expect(match([gl, tue], business, { holidays: ['2026-03-09'] }).proposals).toHaveLength(1);
  });

  it('last-N digits: a check number written with and without zeros and prefix', () => {
    const gl = line({ source: 'gl', amount: '310.00', reference: 'CHK-004512', counterparty: 'Acme Corp' });
    const bank = line({
      source: 'bank',
      amount: '310.00',
      reference: '4512',
      description: 'CHECK 4512 ACME CORP',
    });
    const rules = [
      {
        ...base,
        text: { reference: ['last_digits' as const], lastDigits: 6, counterparty: 'agree' as const },
      },
    ];
    expect(proposalOf(match([gl, bank], rules), gl.id)?.entryIds).toEqual([1, 2]);
    const other = { ...bank, reference: '4513' };
    expect(match([gl, other], rules).proposals).toHaveLength(0);
  });

  it('contained: the GL reference inside the bank narrative, as whole tokens only', () => {
    const gl = line({ source: 'gl', amount: '99.10', reference: 'INV-1001' });
    const bank = line({
      source: 'bank',
      amount: '99.10',
      description: 'ACH CREDIT GLOBEX PPD ID:1234567890 INV 1001',
    });
    const rules = [{ ...base, text: { reference: ['contained' as const] } }];
    expect(match([gl, bank], rules).proposals).toHaveLength(1);
    const longer = { ...bank, description: 'ACH CREDIT GLOBEX INV 10012' };
    expect(match([gl, longer], rules).proposals).toHaveLength(0);
  });

  it('invoice patterns: numbers extracted by configurable patterns, compared digit for digit', () => {
    const gl = line({ source: 'gl', amount: '500.00', reference: 'Invoice #000777' });
    const bank = line({
      source: 'bank',
      amount: '500.00',
      description: 'SEPA GUTSCHRIFT RECHNUNG 777 KUNDE',
    });
    const rules = [{ ...base, text: { reference: ['invoice' as const] } }];
    expect(match([gl, bank], rules).proposals).toHaveLength(1);
    // a custom pattern (purchase orders) replaces the defaults
    const po = line({ source: 'gl', amount: '500.00', reference: 'PO 88120' });
    const poBank = line({
      source: 'bank',
      amount: '500.00',
      description: 'PAYMENT AGAINST P.O. NUMBER 88120',
    });
    expect(match([po, poBank], rules).proposals).toHaveLength(0);
    expect(
      match([po, poBank], rules, { invoicePatterns: ['p\\.?\\s?o\\.?\\s*(?:number)?\\s*(\\d{4,})'] })
        .proposals,
    ).toHaveLength(1);
  });

  it('counterparty agreement: legal forms ignored, abbreviations and names in the narrative accepted', () => {
    const gl = line({ source: 'gl', amount: '42.00', counterparty: 'Northwind Traders Inc.' });
    const bank = line({ source: 'bank', amount: '42.00', description: 'WIRE IN NORTHWIND TRADERS' });
    const rules = [{ ...base, text: { reference: [], counterparty: 'agree' as const } }];
    expect(match([gl, bank], rules).proposals).toHaveLength(1);
    const stranger = { ...bank, description: 'WIRE IN SOUTHWIND PARTNERS' };
    expect(match([gl, stranger], rules).proposals).toHaveLength(0);
  });

  it('amount and date only: never pairs two named, different counterparties', () => {
    const gl = line({ source: 'gl', amount: '1000.00', counterparty: 'Acme Corp' });
    const bank = line({
      source: 'bank',
      amount: '1000.00',
      counterparty: 'Globex LLC',
      description: 'ACH CREDIT GLOBEX',
    });
    const r = match([gl, bank]);
    expect(r.proposals).toHaveLength(0);
    expect(exceptionOf(r, bank.id)?.reasonCode).toBe('COUNTERPARTY_MISMATCH');
    // neither names a counterparty and it is the only candidate: a fuzzy match for a human to confirm
    const a = line({ source: 'gl', amount: '615.20', description: 'Card settlement batch' });
    const b = line({ source: 'bank', amount: '615.20', postingDate: '2026-03-03' });
    expect(proposalOf(match([a, b]), a.id)).toMatchObject({
      type: 'fuzzy',
      rule: 'amount-date-counterparty',
    });
  });

  it('tolerance with variance: a bank fee is recorded with amount and reason; beyond tolerance nothing', () => {
    const gl = line({ source: 'gl', amount: '2350.00', reference: 'PAY-2044' });
    const bank = line({ source: 'bank', amount: '2325.00', reference: 'PAY-2044' });
    const p = proposalOf(match([gl, bank]), gl.id)!;
    expect(p).toMatchObject({
      type: 'fuzzy',
      rule: 'reference-variance',
      variance: { amount: '25.00', currency: 'USD', reason: 'bank_fee' },
    });
    expect(p.rationale).toContain('variance 25.00 USD (bank_fee)');
    // received more than booked cannot be a fee
    const more = { ...bank, amount: '2375.00' };
    expect(proposalOf(match([gl, more]), gl.id)).toBeUndefined();
  });

  it('cross-currency through USD at each line date, with an FX variance', () => {
    const gl = line({ source: 'gl', amount: '1080.00', reference: 'FX-77' });
    const bank = line({
      source: 'bank',
      amount: '1000.00',
      currency: 'EUR',
      reference: 'FX-77',
      postingDate: '2026-03-04',
    });
    const p = proposalOf(match([gl, bank]), gl.id)!;
    expect(p).toMatchObject({ type: 'fuzzy', variance: { amount: '10.00', currency: 'USD', reason: 'fx' } });
    expect(p.fx.map((f) => f.asOf)).toEqual(['2026-03-04']);
  });
});
