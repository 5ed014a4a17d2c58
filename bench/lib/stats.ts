/** Latency statistics shared by the benchmarks. */

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** The middle sample (the upper middle for an even count) of unsorted samples. */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Count, p50, p99 and mean (ms, two decimals) of unsorted samples. */
export function latencyStats(samples: readonly number[]): {
  n: number;
  p50: number;
  p99: number;
  mean: number;
} {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round2(percentile(sorted, 50)),
    p99: round2(percentile(sorted, 99)),
    mean: round2(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  };
}
