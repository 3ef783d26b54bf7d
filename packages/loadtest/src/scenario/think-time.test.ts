import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';
import { thinkTimeSampler, tokenSampler, type Sampler, type Spread } from './think-time.js';

const SEEDS = [1, 2, 'user-3', 1337 * 4, 'org-2/user-17'];
const DRAWS = 1_000;

function sample(sampler: Sampler, seed: number | string, count = DRAWS): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => sampler(rng));
}

const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Settings whose clamp bounds lie far enough out that they do not move the mean (all below 0.1%). */
const unclamped: Record<string, Spread> = {
  uniform: { base: 5, variance: 2, distribution: 'uniform', min: 1, max: 10 },
  gaussian: { base: 10, variance: 5, distribution: 'gaussian', min: 2, max: 30 },
  exponential: { base: 5, variance: 0, distribution: 'exponential', min: 0, max: 200 },
  fixed: { base: 3, variance: 9, distribution: 'fixed', min: 1, max: 60 },
};

describe('think time', () => {
  describe.each(Object.entries(unclamped))('%s', (_name, spread) => {
    it.each(SEEDS)('has a sample mean within ±10%% of base over 1,000 draws (seed %s)', (seed) => {
      const values = sample(thinkTimeSampler(spread), seed);
      expect(Math.abs(mean(values) / spread.base - 1)).toBeLessThan(0.1);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(spread.min);
      expect(Math.max(...values)).toBeLessThanOrEqual(spread.max);
    });
  });

  it('draws uniform values within base ± variance', () => {
    const values = sample(thinkTimeSampler(unclamped.uniform!), 9, 10_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...values)).toBeLessThanOrEqual(7);
  });

  it('puts ~95% of gaussian draws within ±variance (σ = variance/2)', () => {
    const values = sample(thinkTimeSampler({ ...unclamped.gaussian!, min: 0, max: 100 }), 10, 10_000);
    const inside = values.filter((v) => Math.abs(v - 10) <= 5).length / values.length;
    expect(inside).toBeGreaterThan(0.94);
    expect(inside).toBeLessThan(0.96);
  });

  it('matches the analytically clamped mean when the clamp is active', () => {
    // Exponential with mean m clamped to [a, b] has mean a + m·(e^(−a/m) − e^(−b/m)): 8.70 rather than 10.
    const spread: Spread = { base: 10, variance: 0, distribution: 'exponential', min: 1, max: 20 };
    const expected = 1 + 10 * (Math.exp(-1 / 10) - Math.exp(-20 / 10));
    for (const seed of SEEDS) {
      const values = sample(thinkTimeSampler(spread), seed);
      expect(Math.abs(mean(values) / expected - 1)).toBeLessThan(0.05);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...values)).toBeLessThanOrEqual(20);
      expect(values.filter((v) => v === 20).length).toBeGreaterThan(50);
    }
  });

  it('matches the clamped mean of a uniform cut unevenly', () => {
    // U(0, 10) clamped to [3, 8]: 0.3·3 + 0.2·8 + ∫₃⁸ x/10 dx = 5.25.
    const spread: Spread = { base: 5, variance: 5, distribution: 'uniform', min: 3, max: 8 };
    for (const seed of SEEDS)
      expect(Math.abs(mean(sample(thinkTimeSampler(spread), seed)) / 5.25 - 1)).toBeLessThan(0.05);
  });

  it('refuses max below min', () => {
    expect(() => thinkTimeSampler({ ...unclamped.uniform!, min: 5, max: 4 })).toThrow(RangeError);
  });
});

describe('token sampler', () => {
  it('returns whole numbers within the bounds with the configured mean', () => {
    const spread: Spread = { base: 100, variance: 50, distribution: 'gaussian', min: 20, max: 500 };
    for (const seed of SEEDS) {
      const values = sample(tokenSampler(spread), seed);
      expect(values.every(Number.isInteger)).toBe(true);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(20);
      expect(Math.max(...values)).toBeLessThanOrEqual(500);
      expect(Math.abs(mean(values) / 100 - 1)).toBeLessThan(0.1);
    }
  });

  it('never returns less than one token', () => {
    const values = sample(
      tokenSampler({ base: 1, variance: 5, distribution: 'uniform', min: -10, max: 10 }),
      1,
    );
    expect(Math.min(...values)).toBe(1);
  });

  it('returns base every time when fixed', () => {
    const values = sample(
      tokenSampler({ base: 140, variance: 30, distribution: 'fixed', min: 1, max: 1000 }),
      1,
    );
    expect(new Set(values)).toEqual(new Set([140]));
  });
});
