import { minorUnitsOf } from 'closegate-policy';

/**
 * Amount columns as banks export them, turned into a plain decimal string
 * by text rules alone (never through a float):
 *   1234.56   -1234.56   1,234.56   (1,234.56) = -1234.56
 *   with decimalComma: 1.234,56   -1.234,56   (1.234,56)   1234,56
 * Thousands separators must group by three; a sign and parentheses together,
 * an exponent, a `+`, spaces or a currency symbol are refused.
 */
export interface AmountFormat {
  decimalComma: boolean;
}

const MAX_INTEGER_DIGITS = 20;

export type AmountParse = { ok: true; value: string } | { ok: false; reason: string };

export function parseBankAmount(text: string, format: AmountFormat): AmountParse {
  const group = format.decimalComma ? '.' : ',';
  const point = format.decimalComma ? ',' : '.';
  let body = text;
  let negative = false;
  if (body.startsWith('(') && body.endsWith(')')) {
    negative = true;
    body = body.slice(1, -1);
  }
  if (body.startsWith('-')) {
    if (negative) return bad(text, 'a minus sign inside parentheses');
    negative = true;
    body = body.slice(1);
  }
  const g = group === '.' ? '\\.' : ',';
  const p = point === '.' ? '\\.' : ',';
  const shape = new RegExp(`^(\\d{1,3}(?:${g}\\d{3})+|\\d+)(?:${p}(\\d+))?$`);
  const m = shape.exec(body);
  if (m === null) return bad(text, describeFormat(format));
  const integer = m[1]!
    .split(group)
    .join('')
    .replace(/^0+(?=\d)/, '');
  if (integer.length > MAX_INTEGER_DIGITS) return bad(text, `more than ${MAX_INTEGER_DIGITS} integer digits`);
  const fraction = m[2];
  const plain = fraction === undefined ? integer : `${integer}.${fraction}`;
  const isZero = /^0(\.0+)?$/.test(plain);
  return { ok: true, value: negative && !isZero ? `-${plain}` : plain };
}

/** Debit and credit columns: amount = debit - credit, exactly one of them filled in. */
export function parseDebitCredit(debit: string, credit: string, format: AmountFormat): AmountParse {
  const hasDebit = debit !== '';
  const hasCredit = credit !== '';
  if (hasDebit === hasCredit) return { ok: false, reason: 'fill in exactly one of debit and credit' };
  const parsed = parseBankAmount(hasDebit ? debit : credit, format);
  if (!parsed.ok) return parsed;
  if (parsed.value.startsWith('-'))
    return { ok: false, reason: `${hasDebit ? 'debit' : 'credit'} must not be negative` };
  return hasDebit ? parsed : { ok: true, value: parsed.value === '0' ? '0' : `-${parsed.value}` };
}

/** Refuses more decimals than the currency has (5.50 JPY). */
export function checkMinorUnits(value: string, currency: string): string | undefined {
  const decimals = value.split('.')[1]?.length ?? 0;
  const allowed = minorUnitsOf(currency);
  return decimals > allowed ? `${value} has more decimals than ${currency} allows (${allowed})` : undefined;
}

function describeFormat(format: AmountFormat): string {
  return format.decimalComma
    ? 'expected an amount such as 1.234,56, -1234,56 or (1.234,56) (decimal comma)'
    : 'expected an amount such as 1,234.56, -1234.56 or (1,234.56) (no exponent, + or spaces)';
}

function bad(text: string, why: string): AmountParse {
  return { ok: false, reason: `${JSON.stringify(text)}: ${why}` };
}
