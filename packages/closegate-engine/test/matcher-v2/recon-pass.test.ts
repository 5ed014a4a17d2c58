import fs from 'node:fs';
import path from 'node:path';
import { FixedRateAdapter } from 'closegate-policy';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine, NewEntry } from '../../src/index.js';
import { fixedClock, tempDir } from '../helpers.js';
import { openEngine } from '../../src/index.js';
import { RATES } from './helpers.js';

const examplePolicy = fs.readFileSync(
  path.join(import.meta.dirname, '../../../closegate-policy/examples/policy.yaml'),
  'utf8',
);
/** The example policy with nothing in no_auto_confirm, so the variance rule is what decides. */
const policyText = examplePolicy.replace(/no_auto_confirm:\n(\s+- '[a-z_]+'.*\n)+/, 'no_auto_confirm: []\n');

const dirs: string[] = [];
let engine: Engine | undefined;
afterEach(() => {
  engine?.close();
  engine = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function bookWith(lines: Partial<NewEntry>[]): Engine {
  const dir = tempDir();
  dirs.push(dir);
  const e = openEngine({
    dbPath: path.join(dir, 'recon.db'),
    now: fixedClock(),
    policyText,
    fx: new FixedRateAdapter(RATES, { environment: 'test' }),
  });
  engine = e;
  const s = e.context.store;
  s.tx(() => {
    s.entities.addEntity({ code: 'US01', name: 'US', currency: 'USD', timeZone: 'America/New_York' });
    s.entities.addAccount({ entity: 'US01', code: '1010', name: 'Cash', sensitivity: 'normal' });
    for (const l of lines)
      s.entries.add(
        {
          source: 'gl',
          entity: 'US01',
          accountCode: '1010',
          postingDate: '2026-03-02',
          amount: '0.00',
          currency: 'USD',
          reference: '',
          description: '',
          counterparty: '',
          ...l,
        },
        'test',
        '2026-03-02T00:00:00.000Z',
      );
  });
  return e;
}

describe('matcher v2 in the recon pass', () => {
  it('the policy copy has no strategy rule left (so variance alone decides below)', () => {
    expect(policyText).toContain('no_auto_confirm: []');
  });

  it('a fee within tolerance but above the variance threshold escalates; a small one auto-confirms', () => {
    const e = bookWith([
      { source: 'gl', amount: '2350.00', reference: 'PAY-1' },
      { source: 'bank', amount: '2310.00', reference: 'PAY-1' }, // 40.00 fee > 25.00 threshold
      { source: 'gl', amount: '980.00', reference: 'PAY-2' },
      { source: 'bank', amount: '979.50', reference: 'PAY-2' }, // 0.50 fee
    ]);
    const r = e.runReconPass();
    expect(r.state).toBe('SUCCEEDED');
    expect(r.escalated).toHaveLength(1);
    expect(r.escalated[0]).toMatchObject({
      entryIds: [1, 2],
      code: 'VARIANCE_OVER_THRESHOLD',
      clausePointer: '/rules/variance_over_threshold',
    });
    expect(r.autoConfirmed.map((m) => m.entryIds)).toEqual([[3, 4]]);
    const escalation = e.context.store.escalations.get(r.escalated[0]!.escalationId!)!;
    expect(escalation.clauseText).toBe(e.context.policy.document.rules.variance_over_threshold.text);
    expect(e.queries.match(r.escalated[0]!.matchId).rationale).toContain('variance 40.00 USD (bank_fee)');
  });

  it('a line without an FX rate becomes an FX_RATE_MISSING exception and the run succeeds', () => {
    const e = bookWith([
      { source: 'bank', amount: '17000.00', currency: 'MXN', reference: 'INV-8' },
      { source: 'gl', amount: '12.00', reference: 'INV-9' },
      { source: 'bank', amount: '12.00', reference: 'INV-9' },
    ]);
    const r = e.runReconPass();
    expect(r.state).toBe('SUCCEEDED');
    expect(r.exceptions.find((x) => x.entryId === 1)).toMatchObject({ reasonCode: 'FX_RATE_MISSING' });
    expect(r.autoConfirmed.map((m) => m.entryIds)).toEqual([[2, 3]]);
    expect(e.context.store.entries.get(1)?.state).toBe('exception');
  });

  it('ambiguous candidates are flagged for a human with the candidates named, nothing is matched', () => {
    const e = bookWith([
      { source: 'gl', amount: '300.00', reference: 'INV-9000' },
      { source: 'gl', amount: '300.00', reference: 'INV-9000', postingDate: '2026-03-03' },
      { source: 'bank', amount: '300.00', reference: 'INV-9000', postingDate: '2026-03-03' },
    ]);
    const r = e.runReconPass();
    expect(r.proposed).toBe(0);
    const x = r.exceptions.find((y) => y.entryId === 3)!;
    expect(x.reasonCode).toBe('AMBIGUOUS');
    expect(x.detail).toContain('(near: 1, 2)');
  });
});
