import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monoNow } from '../time.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { SerializedHistogram } from './latency-histogram.js';
import { quantileOfSorted } from './quantile.js';

const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

/** Latencies (ms) spread over six orders of magnitude, like TTFTs and inter-token gaps mixed. */
const latency = fc.oneof(
  fc.double({ min: 0, max: 2, noNaN: true }),
  fc.double({ min: 0, max: 200, noNaN: true }),
  fc.double({ min: 0, max: 60_000, noNaN: true }),
);

function histogramOf(values: readonly number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  h.recordMany(values);
  return h;
}

/** The sample as the histogram sees it: rounded to the microsecond. */
const toUs = (ms: number): number => Math.round(ms * 1000) / 1000;

describe('LatencyHistogram: exact statistics', () => {
  it('reports zeros for an empty histogram', () => {
    const h = new LatencyHistogram();
    expect(h.summary()).toEqual({
      count: 0,
      min: 0,
      mean: 0,
      p50: 0,
      p90: 0,
      p95: 0,
      p99: 0,
      p999: 0,
      max: 0,
    });
    expect(h.stdDev).toBe(0);
    expect(h.percentile(100)).toBe(0);
  });

  it('keeps count, min, max and mean exact to the microsecond', () => {
    const h = histogramOf([12.3456, 1500.5, 0.0004, 7]);
    expect(h.count).toBe(4);
    expect(h.min).toBe(0);
    expect(h.max).toBe(1500.5);
    expect(h.mean).toBeCloseTo((12.346 + 1500.5 + 0 + 7) / 4, 9);
  });

  it('records -0 as a plain 0', () => {
    const h = histogramOf([-0]);
    expect(Object.is(h.min, 0)).toBe(true);
  });

  it('makes p0 the exact minimum and p100 the exact maximum', () => {
    const h = histogramOf([123.4567, 98_765.4321]);
    expect(h.percentile(0)).toBe(123.457);
    expect(h.percentile(100)).toBe(98_765.432);
  });

  it('is exact below 2.048 ms, where HDR buckets are 1 µs wide', () => {
    const h = histogramOf([0.001, 0.5, 1.234, 2.047]);
    expect([25, 50, 75, 100].map((p) => h.percentile(p))).toEqual([0.001, 0.5, 1.234, 2.047]);
  });

  it('rejects negative and NaN values and out-of-range percentiles', () => {
    const h = new LatencyHistogram();
    expect(() => h.record(-0.001)).toThrow(RangeError);
    expect(() => h.record(Number.NaN)).toThrow(RangeError);
    expect(() => h.percentile(101)).toThrow(RangeError);
    expect(() => h.percentile(-1)).toThrow(RangeError);
    expect(h.count).toBe(0);
  });

  it('clamps values above one hour and counts them as overflow', () => {
    const h = histogramOf([10, 2 * 3_600_000, Infinity]);
    expect(h.overflowCount).toBe(2);
    expect(h.count).toBe(3);
    expect(h.max).toBe(3_600_000);
    expect(h.percentile(100)).toBe(3_600_000);
  });

  it('forgets everything on reset', () => {
    const h = histogramOf([1, 2, 3, 7_200_000]);
    h.reset();
    expect(h.summary().count).toBe(0);
    expect(h.overflowCount).toBe(0);
    h.record(5);
    expect(h.summary()).toMatchObject({ count: 1, min: 5, max: 5, mean: 5 });
  });

  it('estimates the standard deviation at histogram precision', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => 100 + (i % 2 === 0 ? -10 : 10));
    expect(histogramOf(values).stdDev).toBeCloseTo(10, 1);
  });
});

describe('LatencyHistogram: percentiles', () => {
  it('agrees with exact nearest-rank percentiles within 0.1% + 1 µs', () => {
    fc.assert(
      fc.property(fc.array(latency, { minLength: 1, maxLength: 2_000 }), (sample) => {
        const h = histogramOf(sample);
        const sorted = sample.map(toUs).sort((a, b) => a - b);
        for (const p of PERCENTILES) {
          const exact = quantileOfSorted(sorted, p);
          expect(Math.abs(h.percentile(p) - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.001);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('LatencyHistogram: merge and serialization', () => {
  it('gives exactly the same numbers when merging workers as when recording everything in one', () => {
    fc.assert(
      fc.property(fc.array(latency, { maxLength: 1_000 }), fc.array(fc.nat(7)), (sample, owners) => {
        const workers = Array.from({ length: 8 }, () => new LatencyHistogram());
        sample.forEach((ms, i) => workers[(owners[i] ?? i) % 8]?.record(ms));
        const merged = new LatencyHistogram();
        for (const w of workers) merged.merge(w);
        const whole = histogramOf(sample);
        expect(merged.summary()).toEqual(whole.summary());
        expect(PERCENTILES.map((p) => merged.percentile(p))).toEqual(
          PERCENTILES.map((p) => whole.percentile(p)),
        );
        expect(merged.stdDev).toBe(whole.stdDev);
      }),
      { numRuns: 200 },
    );
  });

  it('survives toJSON → JSON text → fromJSON with the same summary, including overflow', () => {
    fc.assert(
      fc.property(fc.array(latency, { maxLength: 1_000 }), fc.nat(3), (sample, overflows) => {
        const h = histogramOf(sample);
        for (let i = 0; i < overflows; i++) h.record(5_000_000);
        const back = LatencyHistogram.fromJSON(JSON.parse(JSON.stringify(h)) as SerializedHistogram);
        expect(back.summary()).toEqual(h.summary());
        expect(back.overflowCount).toBe(h.overflowCount);
        expect(back.stdDev).toBe(h.stdDev);
      }),
      { numRuns: 100 },
    );
  });

  it('merges deserialized histograms like live ones', () => {
    const a = histogramOf([1, 2, 3]);
    const b = histogramOf([400, 5000]);
    const merged = LatencyHistogram.fromJSON(a.toJSON());
    merged.merge(LatencyHistogram.fromJSON(b.toJSON()));
    expect(merged.summary()).toEqual(histogramOf([1, 2, 3, 400, 5000]).summary());
  });

  it('estimates min, max and mean from the buckets when the exact fields are absent', () => {
    const h = histogramOf([10, 20, 30_000]);
    const { v, unit, encoded, overflow } = h.toJSON();
    const back = LatencyHistogram.fromJSON({ v, unit, encoded, overflow });
    expect(back.count).toBe(3);
    expect(back.min).toBe(10);
    expect(Math.abs(back.max - 30_000) / 30_000).toBeLessThan(0.001);
    expect(Math.abs(back.mean - h.mean) / h.mean).toBeLessThan(0.001);
  });

  it('says clearly what is wrong with a malformed input', () => {
    const good = histogramOf([1]).toJSON();
    expect(() => LatencyHistogram.fromJSON(null)).toThrow(/expected an object/);
    expect(() => LatencyHistogram.fromJSON({ ...good, v: 2 })).toThrow(/unsupported version 2/);
    expect(() => LatencyHistogram.fromJSON({ ...good, unit: 'ms' })).toThrow(/unsupported unit/);
    expect(() => LatencyHistogram.fromJSON({ ...good, encoded: 42 })).toThrow(/'encoded'/);
    expect(() => LatencyHistogram.fromJSON({ ...good, overflow: -1 })).toThrow(/'overflow'/);
    expect(() => LatencyHistogram.fromJSON({ ...good, sumUs: 1.5 })).toThrow(/'sumUs'/);
    expect(() => LatencyHistogram.fromJSON({ ...good, encoded: 'bm90IGhkcg==' })).toThrow(/not a valid HDR/);
  });
});

describe('LatencyHistogram: cost', () => {
  it('records a million values quickly, in constant memory', () => {
    const h = new LatencyHistogram();
    const started = monoNow();
    for (let i = 0; i < 1_000_000; i++) h.record((i % 10_000) * 0.37);
    expect(monoNow() - started).toBeLessThan(5_000);
    expect(h.count).toBe(1_000_000);
    expect(h.toJSON().encoded.length).toBeLessThan(100_000);
  });
});
