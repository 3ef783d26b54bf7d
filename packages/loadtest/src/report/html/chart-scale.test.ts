import { describe, expect, it } from 'vitest';
import { linearScale, logScale, niceStep, timeAxisUnit, timeScale } from './chart-scale.js';

describe('niceStep', () => {
  it('picks 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(7, 5)).toBe(2);
    expect(niceStep(3613, 5)).toBe(1000);
    expect(niceStep(0.3, 3)).toBe(0.1);
  });
});

describe('linearScale', () => {
  it('widens the domain to whole steps and ticks every step', () => {
    const s = linearScale(0, 3613, [100, 300]);
    expect(s.domain).toEqual([0, 4000]);
    expect(s.ticks).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(s.tickLabel(2000)).toBe('2,000');
  });

  it('maps linearly and clamps values outside the domain', () => {
    const s = linearScale(0, 100, [300, 100]);
    expect(s.map(0)).toBe(300);
    expect(s.map(50)).toBe(200);
    expect(s.map(1000)).toBe(100);
    expect(s.map(-5)).toBe(300);
    expect(s.map(NaN)).toBe(300);
  });

  it('labels fractional steps with as many decimals as the step needs', () => {
    const s = linearScale(0, 0.7, [0, 100]);
    expect(s.ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(s.tickLabel(0.6)).toBe('0.6');
  });

  it('ticks counts at whole numbers only', () => {
    expect(linearScale(0, 1, [0, 100], { integer: true }).ticks).toEqual([0, 1]);
    expect(linearScale(0, 3, [0, 100], { integer: true }).ticks).toEqual([0, 1, 2, 3]);
  });

  it('still gives a usable axis for a single value or no value', () => {
    for (const [lo, hi] of [
      [0, 0],
      [5, 5],
      [NaN, NaN],
    ] as const) {
      const s = linearScale(lo, hi, [0, 100]);
      expect(s.domain[1]).toBeGreaterThan(s.domain[0]);
      expect(s.ticks.length).toBeGreaterThan(1);
      expect(s.ticks.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('logScale', () => {
  it('spans whole decades and labels each one', () => {
    const s = logScale(4.2, 19_986, [0, 500]);
    expect(s.domain).toEqual([1, 100_000]);
    expect(s.ticks).toEqual([1, 10, 100, 1000, 10_000, 100_000]);
    expect(s.minor).toContain(20);
    expect(s.minor).toContain(9000);
    expect(s.map(1)).toBe(0);
    expect(s.map(100_000)).toBe(500);
    expect(s.map(1000)).toBeCloseTo(300);
  });

  it('labels 1-2-5 within decades when it spans two or fewer', () => {
    expect(logScale(150, 400, [0, 100]).ticks).toEqual([100, 200, 500, 1000]);
  });

  it('puts zero and negative values at the lower end', () => {
    const s = logScale(0.5, 50, [10, 110]);
    expect(s.map(0)).toBe(10);
    expect(s.map(-3)).toBe(10);
  });
});

describe('timeScale', () => {
  it('ticks a short run every few seconds up to exactly its length', () => {
    const s = timeScale(79, [0, 800]);
    expect(s.domain).toEqual([0, 79]);
    expect(s.ticks).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    expect(s.tickLabel(30)).toBe('30');
    expect(timeAxisUnit(79)).toBe('s');
  });

  it('labels a long run as a clock', () => {
    const s = timeScale(3600, [0, 800]);
    expect(s.ticks[1]).toBe(600);
    expect(s.tickLabel(600)).toBe('10:00');
    expect(timeAxisUnit(3600)).toBe('m:ss');
  });
});
