/**
 * Samplers for "base ± variance" settings: think time between questions (seconds), and, with the same shape,
 * prompt length and `max_tokens` (tokens). Semantics follow the original worker (contract §2).
 */
import type { Rng } from './random.js';

/** The distributions `thinkTimeSeconds.distribution` accepts. */
export const THINK_TIME_DISTRIBUTIONS = ['uniform', 'gaussian', 'exponential'] as const;
/** Token settings also accept `fixed` (always `base`). */
export const SPREAD_DISTRIBUTIONS = [...THINK_TIME_DISTRIBUTIONS, 'fixed'] as const;
export type SpreadDistribution = (typeof SPREAD_DISTRIBUTIONS)[number];

/** A value drawn around `base`, then clamped to `[min, max]`. */
export interface Spread {
  base: number;
  /**
   * uniform: half-width of `[base − variance, base + variance]`; gaussian: σ = variance/2, so ~95% of draws fall
   * within ±variance; ignored by exponential (mean `base`) and fixed.
   */
  variance: number;
  distribution: SpreadDistribution;
  min: number;
  max: number;
}

export type Sampler = (rng: Rng) => number;

function unclampedSampler({ base, variance, distribution }: Spread): Sampler {
  switch (distribution) {
    case 'uniform':
      return (rng) => rng.uniform(base - variance, base + variance);
    case 'gaussian':
      return (rng) => rng.normal(base, variance / 2);
    case 'exponential':
      return (rng) => rng.exponential(base);
    case 'fixed':
      return () => base;
  }
}

/** Think time in seconds: drawn per `distribution`, then clamped to `[min, max]`. */
export function thinkTimeSampler(spread: Spread): Sampler {
  const { min, max } = spread;
  if (!(max >= min)) throw new RangeError(`Spread needs max >= min, got min ${min} and max ${max}`);
  const draw = unclampedSampler(spread);
  return (rng) => Math.min(max, Math.max(min, draw(rng)));
}

/** A token count: the think-time draw rounded to an integer, and never below 1. */
export function tokenSampler(spread: Spread): Sampler {
  const draw = thinkTimeSampler(spread);
  return (rng) => Math.max(1, Math.round(draw(rng)));
}
