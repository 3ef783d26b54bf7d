/**
 * Monotonic, high-resolution clock in milliseconds (fractional). Every timing in llmops is taken with this, so
 * that differences are immune to wall-clock steps.
 */
export const monoNow: () => number = performance.now.bind(performance);

/**
 * Wall-clock time in epoch milliseconds with sub-millisecond resolution, derived from the monotonic clock. Two
 * processes on one machine can compare these (both share the system clock at their time origins), which is how a
 * client's measurements are checked against the simulator's ground truth.
 */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Converts a monotonic timestamp of this process to epoch milliseconds. */
export function monoToEpoch(mono: number): number {
  return performance.timeOrigin + mono;
}
