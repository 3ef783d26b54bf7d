/**
 * Exact nearest-rank percentile of an ascending array: the smallest value such that at least p% of the values
 * are ≤ it (p0 is the minimum). This is the definition {@link LatencyHistogram.percentile} approximates, so tests
 * and small in-memory reports use it as the reference. Returns NaN for an empty array.
 */
export function quantileOfSorted(sorted: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100))
    throw new RangeError(`quantileOfSorted: percentile must be in [0, 100], got ${p}`);
  const n = sorted.length;
  if (n === 0) return NaN;
  const exact = (p / 100) * n;
  // Shave a few ulps before rounding up, so that e.g. 99.9% of 1000 (computed as 999.0000000000001) is rank 999.
  const rank = Math.max(1, Math.ceil(exact - exact * 4 * Number.EPSILON));
  return sorted[Math.min(rank, n) - 1] as number;
}
