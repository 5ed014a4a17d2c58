/** Nearest-rank percentile of a sample (p in 0..100). Empty sample: NaN. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface Percentiles {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentiles(sample: readonly number[]): Percentiles {
  return {
    samples: sample.length,
    p50: round3(percentile(sample, 50)),
    p95: round3(percentile(sample, 95)),
    p99: round3(percentile(sample, 99)),
    max: round3(sample.length === 0 ? Number.NaN : Math.max(...sample)),
  };
}

/** Three decimals: enough for milliseconds, stable in JSON. */
export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** Four decimals, for fractions and F1 scores. */
export function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
