import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';

const DRAWS = 100_000;

function draws(rng: Rng, count: number, draw: (r: Rng) => number): number[] {
  return Array.from({ length: count }, () => draw(rng));
}

function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

describe('Rng', () => {
  describe('determinism', () => {
    it('replays the same stream for the same seed', () => {
      for (const seed of [0, 42, 1337 * 7, 'user-3', '']) {
        expect(draws(new Rng(seed), 50, (r) => r.next())).toEqual(draws(new Rng(seed), 50, (r) => r.next()));
      }
    });

    it('gives different streams for different seeds, including numbers and strings with the same text', () => {
      const first = (seed: number | string): number[] => draws(new Rng(seed), 4, (r) => r.nextUint32());
      expect(first(1)).not.toEqual(first(2));
      expect(first('user-1')).not.toEqual(first('user-2'));
      expect(first(7)).not.toEqual(first('7'));
    });

    it('gives 100,000 distinct streams to 100,000 neighbouring seeds', () => {
      const starts = new Set<string>();
      for (let i = 0; i < DRAWS; i++) {
        const rng = new Rng(`user-${i}`);
        starts.add(`${rng.nextUint32()}:${rng.nextUint32()}`);
      }
      expect(starts.size).toBe(DRAWS);
    });

    it('forks streams that depend on the parent seed and label, not on how far the parent has run', () => {
      const parent = new Rng('run-1');
      const early = parent.fork('user-3');
      draws(parent, 100, (r) => r.next());
      const late = parent.fork('user-3');
      expect(draws(early, 20, (r) => r.next())).toEqual(draws(late, 20, (r) => r.next()));
      const sibling = draws(parent.fork('user-4'), 20, (r) => r.next());
      expect(draws(parent.fork('user-3'), 20, (r) => r.next())).not.toEqual(sibling);
      expect(draws(new Rng('run-2').fork('user-3'), 20, (r) => r.next())).not.toEqual(
        draws(new Rng('run-1').fork('user-3'), 20, (r) => r.next()),
      );
    });

    it('does not make a fork replay its parent', () => {
      const parent = new Rng(5);
      const child = parent.fork(0);
      expect(draws(child, 10, (r) => r.next())).not.toEqual(draws(new Rng(5), 10, (r) => r.next()));
    });
  });

  describe('distributions over 100,000 draws', () => {
    it('next is uniform on [0, 1)', () => {
      const values = draws(new Rng(1), DRAWS, (r) => r.next());
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThan(1);
      const { mean, variance } = meanAndVariance(values);
      expect(mean).toBeCloseTo(0.5, 2);
      expect(variance).toBeCloseTo(1 / 12, 2);
      const deciles = new Array<number>(10).fill(0);
      for (const v of values) deciles[Math.floor(v * 10)]! += 1;
      for (const count of deciles) expect(Math.abs(count - DRAWS / 10)).toBeLessThan(DRAWS / 100);
    });

    it('int includes both ends and hits every value equally often', () => {
      const rng = new Rng(2);
      const counts = new Map<number, number>();
      for (let i = 0; i < DRAWS; i++) {
        const v = rng.int(-2, 2);
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
      for (const count of counts.values()) expect(Math.abs(count - DRAWS / 5)).toBeLessThan(DRAWS / 100);
      expect(new Rng(3).int(7, 7)).toBe(7);
      expect(() => rng.int(3, 2)).toThrow(RangeError);
      expect(() => rng.int(0.5, 2)).toThrow(RangeError);
    });

    it('uniform has mean (a+b)/2 and variance (b−a)²/12', () => {
      const values = draws(new Rng(4), DRAWS, (r) => r.uniform(10, 20));
      const { mean, variance } = meanAndVariance(values);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(10);
      expect(Math.max(...values)).toBeLessThan(20);
      expect(mean).toBeCloseTo(15, 1);
      expect(variance / (100 / 12)).toBeCloseTo(1, 1);
    });

    it('normal has the given mean and standard deviation, and 95% within 1.96σ', () => {
      const values = draws(new Rng(5), DRAWS, (r) => r.normal(100, 15));
      const { mean, variance } = meanAndVariance(values);
      expect(Math.abs(mean - 100)).toBeLessThan(0.2);
      expect(Math.sqrt(variance) / 15).toBeCloseTo(1, 2);
      const inside = values.filter((v) => Math.abs(v - 100) < 1.96 * 15).length / DRAWS;
      expect(inside).toBeCloseTo(0.95, 2);
    });

    it('exponential has the given mean and variance mean²', () => {
      const values = draws(new Rng(6), DRAWS, (r) => r.exponential(4));
      const { mean, variance } = meanAndVariance(values);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(mean / 4).toBeCloseTo(1, 1);
      expect(variance / 16).toBeCloseTo(1, 1);
    });

    it.each([0.3, 1, 2.5, 9])('gamma(shape %s) has mean kθ and variance kθ²', (shape) => {
      const scale = 2;
      const values = draws(new Rng(`gamma-${shape}`), DRAWS, (r) => r.gamma(shape, scale));
      const { mean, variance } = meanAndVariance(values);
      expect(Math.min(...values)).toBeGreaterThan(0);
      expect(Math.abs(mean / (shape * scale) - 1)).toBeLessThan(0.02);
      expect(Math.abs(variance / (shape * scale * scale) - 1)).toBeLessThan(0.05);
    });

    it('chance comes true with probability p', () => {
      const rng = new Rng(7);
      let hits = 0;
      for (let i = 0; i < DRAWS; i++) if (rng.chance(0.3)) hits++;
      expect(hits / DRAWS).toBeCloseTo(0.3, 2);
      expect(rng.chance(0)).toBe(false);
      expect(rng.chance(1)).toBe(true);
    });

    it('weighted picks items in proportion to their weights and never a zero weight', () => {
      const items = [
        { name: 'a', weight: 60 },
        { name: 'zero', weight: 0 },
        { name: 'b', weight: 30 },
        { name: 'c', weight: 10 },
      ];
      const rng = new Rng(8);
      const counts = new Map<string, number>();
      for (let i = 0; i < DRAWS; i++) {
        const { name } = rng.weighted(items, (item) => item.weight);
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      expect(counts.get('zero')).toBeUndefined();
      expect((counts.get('a') ?? 0) / DRAWS).toBeCloseTo(0.6, 2);
      expect((counts.get('b') ?? 0) / DRAWS).toBeCloseTo(0.3, 2);
      expect((counts.get('c') ?? 0) / DRAWS).toBeCloseTo(0.1, 2);
    });

    it('weighted refuses a list with no positive weight', () => {
      expect(() => new Rng(9).weighted([], () => 1)).toThrow(RangeError);
      expect(() => new Rng(9).weighted([1, 2], () => 0)).toThrow(RangeError);
    });
  });
});
