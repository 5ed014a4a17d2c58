import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { fold, nameTokens, tokens } from '../../src/matcher/v2/normalize.js';
import { refOf } from '../../src/matcher/v2/line.js';
import { exceptionOf, line, match, proposalOf, resetIds } from './helpers.js';

beforeEach(resetIds);

describe('matcher v2: normalization', () => {
  it('NFKC: half-width katakana and full-width digits fold to one form; non-Latin text is kept', () => {
    expect(fold('ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ')).toBe('ヤマダシヨウジ(カ');
    expect(fold('ヤマダショウジ')).toBe('ヤマダシヨウジ');
    expect(refOf('ＩＮＶ－１００１')).toBe(refOf('INV-1001'));
    expect(tokens(fold('振込 請求書１２３４ Müller'))).toEqual(['振込', '請求書1234', 'müller']);
  });

  it('strips bank boilerplate from references (rails, SEC codes, labels)', () => {
    expect(refOf('NEFT/SBIN0001234')).toBe('sbin0001234');
    expect(refOf('UTR: HDFC52026')).toBe('hdfc52026');
    expect(refOf('PPD')).toBe('');
  });

  it("the books' own boilerplate words are stripped like the built-in ones (matching.boilerplate)", () => {
    const extra = new Set([fold('ＡＣＭＥＰＡＹ')]);
    expect(refOf('ACMEPAY ZX-70011', extra)).toBe(refOf('ZX-70011'));
    expect(refOf('ACMEPAY', extra)).toBe('');
    expect(refOf('ACMEPAY ZX-70011')).not.toBe(refOf('ZX-70011'));
    expect(nameTokens('ACMEPAY Globex Ltd', extra)).toEqual(['globex']);
    const equalOnly = [
      {
        name: 'reference-equal',
        sides: ['bank-gl' as const],
        amount: { test: 'equal' as const },
        date: { days: 5, unit: 'business' as const },
        text: { reference: ['equal' as const] },
      },
    ];
    const gl = line({ source: 'gl', amount: '412.00', reference: 'ZX-70011' });
    const bank = line({
      source: 'bank',
      amount: '412.00',
      reference: 'AcmePay/ZX-70011',
      postingDate: '2026-03-03',
    });
    expect(match([gl, bank], equalOnly).proposals).toHaveLength(0);
    const r = match([gl, bank], equalOnly, { boilerplate: ['ACMEPAY'] });
    expect(proposalOf(r, gl.id)?.entryIds).toEqual([gl.id, bank.id]);
  });

  it('a Zengin furikomi in half-width kana matches the customer named in full-width kana', () => {
    const gl = line({
      source: 'gl',
      amount: '330000',
      currency: 'JPY',
      entity: 'JP01',
      counterparty: '株式会社ヤマダショウジ',
    });
    const bank = line({
      source: 'bank',
      amount: '330000',
      currency: 'JPY',
      entity: 'JP01',
      description: 'ﾌﾘｺﾐ ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ',
    });
    const other = line({
      source: 'bank',
      amount: '330000',
      currency: 'JPY',
      entity: 'JP01',
      description: 'ﾌﾘｺﾐ ｻﾄｳﾃﾞﾝｷ(ｶ',
      postingDate: '2026-03-03',
    });
    const r = match([gl, bank, other]);
    expect(proposalOf(r, gl.id)?.entryIds).toEqual([gl.id, bank.id]);
    expect(proposalOf(r, other.id)).toBeUndefined();
  });

  it('consecutive invoice numbers are different references, whatever the amounts', () => {
    const gl = line({ source: 'gl', amount: '870.00', reference: 'INV-20041', counterparty: 'Acme Corp' });
    const bank = line({
      source: 'bank',
      amount: '870.00',
      description: 'WIRE ACME CORP REF INV-20042',
      postingDate: '2026-03-03',
    });
    const r = match([gl, bank]);
    expect(r.proposals).toHaveLength(0);
    expect(exceptionOf(r, bank.id)).toMatchObject({ reasonCode: 'REFERENCE_MISMATCH', nearMissIds: [gl.id] });
  });
});

describe('matcher v2: groups, ambiguity and exception reasons', () => {
  it('split payment: three instalments that quote the invoice, found among same-amount noise', () => {
    const gl = line({ source: 'gl', amount: '5000.00', reference: 'INV-3100', counterparty: 'Initech' });
    const parts = ['1250.00', '2000.00', '1750.00'].map((amount, k) =>
      line({
        source: 'bank',
        amount,
        description: `WIRE INITECH INV-3100 PART ${k + 1}`,
        postingDate: `2026-03-0${3 + k}`,
      }),
    );
    const noise = ['1250.00', '2000.00', '1750.00', '3250.00'].map((amount) =>
      line({ source: 'bank', amount, description: 'WIRE GLOBEX INV-3999', postingDate: '2026-03-03' }),
    );
    const r = match([gl, ...parts, ...noise]);
    expect(proposalOf(r, gl.id)).toMatchObject({
      type: 'many_to_one',
      entryIds: [gl.id, ...parts.map((p) => p.id)],
    });
    for (const n of noise) expect(proposalOf(r, n.id)).toBeUndefined();
  });

  it('lockbox: one deposit for a batch of receipts without a shared reference, only when the subset is unique', () => {
    const dep = line({
      source: 'bank',
      amount: '900.00',
      description: 'LOCKBOX DEPOSIT BATCH 42',
      postingDate: '2026-03-03',
    });
    const checks = ['400.00', '300.00', '200.00'].map((amount) =>
      line({ source: 'gl', amount, reference: `CHK-${amount}` }),
    );
    expect(proposalOf(match([dep, ...checks]), dep.id)?.entryIds).toEqual([1, 2, 3, 4]);
    // a fourth receipt makes two subsets sum to 900.00: a human picks
    const extra = line({ source: 'gl', amount: '500.00', reference: 'CHK-5' });
    const r = match([dep, ...checks, extra]);
    expect(proposalOf(r, dep.id)).toBeUndefined();
    expect(exceptionOf(r, dep.id)?.reasonCode).toBe('AMBIGUOUS');
  });

  it('reversal: a receipt reversed and posted again nets to zero on the GL; the bank pairs with the new posting', () => {
    const orig = line({ source: 'gl', amount: '640.00', reference: 'INV-5150' });
    const rev = line({
      source: 'gl',
      amount: '-640.00',
      reference: 'INV-5150',
      description: 'Reversal of INV-5150',
      postingDate: '2026-03-03',
    });
    const again = line({ source: 'gl', amount: '640.00', reference: 'INV-5150', postingDate: '2026-03-04' });
    const bank = line({ source: 'bank', amount: '640.00', reference: 'INV-5150', postingDate: '2026-03-04' });
    const r = match([orig, rev, again, bank]);
    expect(proposalOf(r, rev.id)).toMatchObject({
      type: 'many_to_one',
      entryIds: [orig.id, rev.id],
      rule: 'reversal-net-zero',
    });
    expect(proposalOf(r, bank.id)?.entryIds).toEqual([again.id, bank.id]);
  });

  it('ambiguity is a suggestion for a human, never a match: the candidates are listed', () => {
    const a = line({ source: 'gl', amount: '300.00', reference: 'INV-9000' });
    const b = line({ source: 'gl', amount: '300.00', reference: 'INV-9000', postingDate: '2026-03-03' });
    const bank = line({ source: 'bank', amount: '300.00', reference: 'INV-9000', postingDate: '2026-03-03' });
    const r = match([a, b, bank]);
    expect(r.proposals).toHaveLength(0);
    expect(exceptionOf(r, bank.id)).toMatchObject({ reasonCode: 'AMBIGUOUS', nearMissIds: [a.id, b.id] });
    expect(exceptionOf(r, a.id)?.reasonCode).toBe('AMBIGUOUS');
  });

  it('DATE_OUT_OF_WINDOW only when the nearest same-amount line is outside the window', () => {
    const gl = line({ source: 'gl', amount: '77.70', reference: 'INV-1', counterparty: 'Acme' });
    const far = line({ source: 'bank', amount: '77.70', reference: 'INV-1', postingDate: '2026-04-10' });
    expect(exceptionOf(match([gl, far]), gl.id)?.reasonCode).toBe('DATE_OUT_OF_WINDOW');
    // a same-amount line inside the window, of another customer: the reason says so instead
    const near = line({ source: 'bank', amount: '77.70', counterparty: 'Globex', postingDate: '2026-03-03' });
    expect(exceptionOf(match([gl, far, near]), gl.id)?.reasonCode).toBe('COUNTERPARTY_MISMATCH');
  });

  it('a missing FX rate leaves that line an exception; the rest of the book still matches', () => {
    const peso = line({ source: 'bank', amount: '17000.00', currency: 'MXN', reference: 'INV-8' });
    const gl = line({ source: 'gl', amount: '1000.00', reference: 'INV-8' });
    const okGl = line({ source: 'gl', amount: '12.00', reference: 'INV-9' });
    const okBank = line({ source: 'bank', amount: '12.00', reference: 'INV-9' });
    const r = match([peso, gl, okGl, okBank]);
    expect(exceptionOf(r, peso.id)).toMatchObject({ reasonCode: 'FX_RATE_MISSING' });
    expect(proposalOf(r, okGl.id)?.entryIds).toEqual([okGl.id, okBank.id]);
  });
});

describe('matcher v2: property', () => {
  const rules = [
    {
      name: 'tol',
      sides: ['bank-gl' as const],
      amount: { test: 'tolerance' as const, default: { absoluteMinor: 500, percent: '1' } },
      date: { days: 3 },
      text: { reference: [], counterparty: 'agree_or_absent' as const },
      variance: [{ reason: 'rounding' as const, tolerance: { absoluteMinor: 500, percent: '1' } }],
    },
  ];

  it('never pairs two lines whose amounts differ by more than the rule allows (min of 5.00 and 1 %)', () => {
    const cents = fc.integer({ min: 1, max: 2_000_000 });
    const lineArb = fc.record({ cents, gl: fc.boolean(), day: fc.integer({ min: 2, max: 6 }) });
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 2, maxLength: 12 }), (specs) => {
        resetIds();
        const entries = specs.map((s) =>
          line({
            source: s.gl ? 'gl' : 'bank',
            amount: `${Math.trunc(s.cents / 100)}.${String(s.cents % 100).padStart(2, '0')}`,
            postingDate: `2026-03-0${s.day}`,
          }),
        );
        const byId = new Map(entries.map((e, k) => [e.id, BigInt(specs[k]!.cents)]));
        for (const p of match(entries, rules).proposals) {
          if (p.entryIds.length !== 2) continue;
          const [a, b] = p.entryIds.map((id) => byId.get(id)!);
          const diff = a! > b! ? a! - b! : b! - a!;
          const size = a! > b! ? a! : b!;
          const pct = size / 100n;
          const allowed = pct < 500n ? pct : 500n;
          if (diff > allowed) return false;
        }
        return true;
      }),
      { numRuns: 300, seed: 1414 },
    );
  });
});
