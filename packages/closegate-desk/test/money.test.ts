import { describe, expect, it } from 'vitest';
import {
  compareDecimals,
  formatAmount,
  formatMoney,
  isDecimal,
  MoneyFormatError,
  runningDifference,
  subtractDecimals,
  sumDecimals,
} from '../src/lib/money';
import { percentText } from '../src/lib/status';

describe('money formatting', () => {
  it('groups thousands and pads to the currency minor units without rounding', () => {
    expect(formatAmount('1234567.5', 'USD')).toBe('1,234,567.50');
    expect(formatAmount('1000', 'JPY')).toBe('1,000');
    expect(formatAmount('12.345', 'KWD')).toBe('12.345');
    // Extra precision from the server is shown, never silently rounded away.
    expect(formatAmount('0.125', 'EUR')).toBe('0.125');
    expect(formatAmount('0', 'EUR')).toBe('0.00');
  });

  it('shows a negative with a minus sign, not colour', () => {
    expect(formatAmount('-1500.2', 'EUR')).toBe('\u22121,500.20');
    expect(formatMoney('-3', 'gbp')).toBe('\u22123.00 GBP');
  });

  it('keeps digits a float would lose', () => {
    expect(formatAmount('90071992547409931.23', 'USD')).toBe('90,071,992,547,409,931.23');
  });

  it('refuses what is not a decimal string', () => {
    for (const bad of ['1e3', 'NaN', '', '1,000.00', '12.', '--1', '0x10']) {
      expect(isDecimal(bad)).toBe(false);
      expect(() => formatAmount(bad, 'USD')).toThrow(MoneyFormatError);
    }
  });
});

describe('decimal arithmetic', () => {
  it('adds exactly where floats do not', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['100.10', '-100.1'])).toBe('0.00');
    expect(subtractDecimals('1000000000000000.01', '0.02')).toBe('999999999999999.99');
    expect(sumDecimals([])).toBe('0');
  });

  it('compares across scales', () => {
    expect(compareDecimals('1.50', '1.5')).toBe(0);
    expect(compareDecimals('-2', '1.99')).toBe(-1);
    expect(compareDecimals('10.001', '10')).toBe(1);
  });
});

describe('running difference of a manual match', () => {
  it('is zero when the GL side equals the bank side', () => {
    const diff = runningDifference([
      { amount: '600.00', currency: 'EUR', side: 'left' },
      { amount: '250.25', currency: 'EUR', side: 'right' },
      { amount: '349.75', currency: 'EUR', side: 'right' },
    ]);
    expect(diff).toEqual([{ currency: 'EUR', difference: '0.00' }]);
  });

  it('shows what is left, per currency, never adding currencies together', () => {
    const diff = runningDifference([
      { amount: '100', currency: 'USD', side: 'left' },
      { amount: '99.99', currency: 'USD', side: 'right' },
      { amount: '5000', currency: 'JPY', side: 'right' },
    ]);
    expect(diff).toEqual([
      { currency: 'JPY', difference: '-5000' },
      { currency: 'USD', difference: '0.01' },
    ]);
  });
});

describe('auto-match rate', () => {
  it('renders a decimal rate as a percentage with one decimal', () => {
    expect(percentText('0.8333')).toBe('83.3 %');
    expect(percentText('1')).toBe('100.0 %');
    expect(percentText('0')).toBe('0.0 %');
    expect(percentText('0.00049')).toBe('0.0 %');
    expect(percentText('0.0005')).toBe('0.1 %');
  });
});
