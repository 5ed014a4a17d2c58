import { z } from 'zod';
import { FxError } from '../errors.js';
import { isKnownCurrency } from '../money/currencies.js';
import { DECIMAL_STRING_PATTERN, Decimal } from '../money/decimal.js';
import { assertFxDate, isIsoDate } from './dates.js';
import type { DatedRate, FxRate, FxRateAdapter } from './types.js';

export interface FixedRateAdapterOptions {
  /** Deployment environment, e.g. the value of CLOSEGATE_ENV ('dev', 'test', 'prod'). */
  environment: string;
  /** Allow the fixed table in prod anyway. The fixed table is for demos and tests. */
  allowInProd?: boolean;
}

const PIVOT = 'USD';

const datedRateSchema = z
  .object({
    base: z.string().refine(isKnownCurrency, 'unknown currency'),
    quote: z.string().refine(isKnownCurrency, 'unknown currency'),
    rate: z
      .string({ error: 'expected decimal string' })
      .regex(DECIMAL_STRING_PATTERN, 'expected decimal string')
      .refine((s) => new Decimal(s).gt(0), 'rate must be above zero'),
    asOf: z.string().refine(isIsoDate, 'expected YYYY-MM-DD'),
  })
  .strict()
  .refine((row) => row.base !== row.quote, 'base and quote must differ');

interface Quote {
  rate: Decimal;
  asOf: string;
  derivation: 'direct' | 'inverse';
}

/**
 * FX adapter over a fixed table of dated rates, for demos and tests.
 * Uses the latest rate on or before asOf; derives inverse rates (1/r) and
 * cross rates through USD. Refuses to exist in prod unless explicitly allowed,
 * because stale fixed rates silently produce wrong matches.
 */
export class FixedRateAdapter implements FxRateAdapter {
  readonly source = 'fixed-table';
  readonly #byPair = new Map<string, DatedRate[]>();

  constructor(table: readonly DatedRate[], options: FixedRateAdapterOptions) {
    if (options.environment === 'prod' && options.allowInProd !== true) {
      throw new FxError(
        'FX_FIXED_IN_PROD',
        'the fixed-rate FX adapter is for demos and tests and refuses to run when the environment is prod; ' +
          'configure a real rate source or pass allowInProd: true deliberately',
      );
    }
    table.forEach((row, index) => this.#add(row, index));
    for (const rows of this.#byPair.values()) rows.sort((a, b) => (a.asOf < b.asOf ? 1 : -1));
  }

  rate(base: string, quote: string, asOf: string): FxRate {
    assertFxDate(asOf, 'asOf');
    if (!isKnownCurrency(base) || !isKnownCurrency(quote)) {
      throw new FxError('FX_RATE_UNAVAILABLE', `no FX rate for ${base}/${quote}: unknown currency`);
    }
    if (base === quote) return { base, quote, rate: '1', source: `${this.source}:identity`, asOf };
    const pair = this.#pairQuote(base, quote, asOf);
    if (pair) return this.#record(base, quote, pair.rate, pair.derivation, pair.asOf);
    const cross = this.#crossQuote(base, quote, asOf);
    if (cross) return cross;
    throw new FxError(
      'FX_RATE_UNAVAILABLE',
      `no FX rate for ${base}/${quote} on or before ${asOf} (direct, inverse or through ${PIVOT})`,
    );
  }

  #add(row: DatedRate, index: number): void {
    const parsed = datedRateSchema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = [index, ...issue.path].join('.');
      throw new FxError('FX_INVALID_TABLE', `rate table row ${where}: ${issue.message}`);
    }
    const key = `${row.base}/${row.quote}`;
    const rows = this.#byPair.get(key) ?? [];
    if (rows.some((existing) => existing.asOf === row.asOf)) {
      throw new FxError('FX_INVALID_TABLE', `rate table has two ${key} rates for ${row.asOf}`);
    }
    rows.push({ ...parsed.data });
    this.#byPair.set(key, rows);
  }

  #latest(base: string, quote: string, asOf: string): DatedRate | undefined {
    return this.#byPair.get(`${base}/${quote}`)?.find((row) => row.asOf <= asOf);
  }

  /** The freshest of the direct and the inverse rate; direct wins a tie. */
  #pairQuote(base: string, quote: string, asOf: string): Quote | undefined {
    const direct = this.#latest(base, quote, asOf);
    const inverse = this.#latest(quote, base, asOf);
    if (direct && (!inverse || direct.asOf >= inverse.asOf)) {
      return { rate: new Decimal(direct.rate), asOf: direct.asOf, derivation: 'direct' };
    }
    if (inverse) return { rate: new Decimal(1).div(inverse.rate), asOf: inverse.asOf, derivation: 'inverse' };
    return undefined;
  }

  #crossQuote(base: string, quote: string, asOf: string): FxRate | undefined {
    if (base === PIVOT || quote === PIVOT) return undefined;
    const toPivot = this.#pairQuote(base, PIVOT, asOf);
    const fromPivot = this.#pairQuote(PIVOT, quote, asOf);
    if (!toPivot || !fromPivot) return undefined;
    // The record carries the older of the two dates: the cross is only as fresh as its stalest leg.
    const effective = toPivot.asOf < fromPivot.asOf ? toPivot.asOf : fromPivot.asOf;
    return this.#record(base, quote, toPivot.rate.times(fromPivot.rate), `cross:${PIVOT}`, effective);
  }

  #record(base: string, quote: string, rate: Decimal, derivation: string, asOf: string): FxRate {
    return { base, quote, rate: rate.toFixed(), source: `${this.source}:${derivation}`, asOf };
  }
}
