/**
 * Latency histogram in milliseconds, backed by an HDR histogram of integer microseconds.
 *
 * Percentiles carry HDR's 3-significant-digit precision (≤ 0.1% relative error) on top of the 1 µs quantization.
 * Count, min, max and mean are exact (to the microsecond): they are tracked beside the buckets, because the
 * buckets alone only know them to 3 digits. Everything merges exactly — N workers' histograms merged give the
 * very same numbers as one histogram of all the samples — which distributed load tests rely on.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** Values are stored as integer microseconds between these bounds. */
export const HISTOGRAM_LOWEST_US = 1;
/** One hour: larger values are clamped to it and counted in {@link LatencyHistogram.overflowCount}. */
export const HISTOGRAM_HIGHEST_US = 3_600_000_000;
const SIGNIFICANT_DIGITS = 3;
// 64-bit (float) counters: exact up to 2^53 per bucket, where 32-bit ones would wrap silently after ~4e9.
const BUCKET_BITS = 64;

/** Wire form of a histogram, e.g. sent by a load-test worker to its coordinator. */
export interface SerializedHistogram {
  v: 1;
  unit: 'us';
  /** HDR V2 compressed encoding, base64. */
  encoded: string;
  /** How many recorded values were above the highest trackable value (and clamped to it). */
  overflow: number;
  /** Exact extremes and sum in µs. Optional when reading: without them they are estimated from the buckets. */
  minUs?: number;
  maxUs?: number;
  sumUs?: number;
}

/** Headline statistics in milliseconds. An empty histogram reports zeros everywhere (not NaN), to keep JSON valid. */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

function newHdr(): Histogram {
  return build({
    useWebAssembly: false,
    autoResize: false,
    bitBucketSize: BUCKET_BITS,
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
  });
}

export class LatencyHistogram {
  private hdr: Histogram = newHdr();
  private minUs = Infinity;
  private maxUs = 0;
  // A sum of integers stays exact below 2^53 µs (≈ 285 years of summed latency), so merging is exact too.
  private sumUs = 0;
  private overflow = 0;

  /** Records one latency in milliseconds (fractional; rounded to the microsecond). */
  record(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`LatencyHistogram: cannot record ${ms} ms (must be >= 0)`);
    // `+ 0` turns -0 (from recording -0) into 0, so min never reports -0.
    let us = Math.round(ms * 1000) + 0;
    if (us > HISTOGRAM_HIGHEST_US) {
      us = HISTOGRAM_HIGHEST_US;
      this.overflow++;
    }
    this.hdr.recordValue(us);
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
    this.sumUs += us;
  }

  /** Records each latency (ms) in turn; stops at the first invalid one, as {@link record} would. */
  recordMany(values: Iterable<number>): void {
    for (const ms of values) this.record(ms);
  }

  get count(): number {
    return this.hdr.totalCount;
  }

  /** How many recorded values exceeded one hour and were recorded as one hour. */
  get overflowCount(): number {
    return this.overflow;
  }

  /** Smallest recorded value (ms), 0 when empty. */
  get min(): number {
    return this.count === 0 ? 0 : this.minUs / 1000;
  }

  /** Largest recorded value (ms, after clamping), 0 when empty. */
  get max(): number {
    return this.count === 0 ? 0 : this.maxUs / 1000;
  }

  /** Exact arithmetic mean (ms) of the recorded values, 0 when empty. */
  get mean(): number {
    return this.count === 0 ? 0 : this.sumUs / this.count / 1000;
  }

  /** Standard deviation (ms) at the histogram's precision (computed from the buckets), 0 when empty. */
  get stdDev(): number {
    return this.count === 0 ? 0 : this.hdr.stdDeviation / 1000;
  }

  /**
   * Value (ms) at percentile `p` in [0, 100], nearest-rank: at least p% of the values are ≤ it. It is the upper
   * end of the HDR bucket holding that rank, clamped to [min, max] so that p0 and p100 are exact. 0 when empty.
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100))
      throw new RangeError(`LatencyHistogram: percentile must be in [0, 100], got ${p}`);
    if (this.count === 0) return 0;
    const us = this.hdr.getValueAtPercentile(p);
    return Math.min(Math.max(us, this.minUs), this.maxUs) / 1000;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      min: this.min,
      mean: this.mean,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p95: this.percentile(95),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.max,
    };
  }

  /** Adds all of `other`'s values to this histogram (`other` is left unchanged). */
  merge(other: LatencyHistogram): void {
    if (other.count === 0) return;
    this.hdr.add(other.hdr);
    this.minUs = Math.min(this.minUs, other.minUs);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
    this.sumUs += other.sumUs;
    this.overflow += other.overflow;
  }

  reset(): void {
    this.hdr.reset();
    this.minUs = Infinity;
    this.maxUs = 0;
    this.sumUs = 0;
    this.overflow = 0;
  }

  toJSON(): SerializedHistogram {
    const s: SerializedHistogram = {
      v: 1,
      unit: 'us',
      encoded: encodeIntoCompressedBase64(this.hdr),
      overflow: this.overflow,
    };
    if (this.count > 0) {
      s.minUs = this.minUs;
      s.maxUs = this.maxUs;
      s.sumUs = this.sumUs;
    }
    return s;
  }

  /** Rebuilds a histogram from {@link toJSON} output; throws a TypeError naming the problem if `s` is malformed. */
  static fromJSON(s: unknown): LatencyHistogram {
    const valid = checkSerialized(s);
    let decoded: Histogram;
    try {
      decoded = decodeFromCompressedBase64(valid.encoded, BUCKET_BITS, false);
    } catch (err) {
      throw new TypeError(
        `LatencyHistogram.fromJSON: 'encoded' is not a valid HDR histogram: ${String(err)}`,
      );
    }
    const h = new LatencyHistogram();
    if (decoded.totalCount === 0) return h;
    try {
      // Re-adding into a fresh histogram normalizes whatever layout the encoder used to ours.
      h.hdr.add(decoded);
    } catch {
      throw new TypeError('LatencyHistogram.fromJSON: encoded values exceed the supported range (1 hour)');
    }
    h.overflow = valid.overflow;
    h.minUs = valid.minUs ?? decoded.getValueAtPercentile(0);
    h.maxUs = valid.maxUs ?? Math.min(decoded.maxValue, HISTOGRAM_HIGHEST_US);
    h.sumUs = valid.sumUs ?? Math.round(decoded.mean * decoded.totalCount);
    return h;
  }
}

function checkSerialized(s: unknown): SerializedHistogram {
  const fail = (why: string): never => {
    throw new TypeError(`LatencyHistogram.fromJSON: ${why}`);
  };
  if (typeof s !== 'object' || s === null) return fail('expected an object');
  const o = s as Record<string, unknown>;
  if (o.v !== 1) fail(`unsupported version ${JSON.stringify(o.v)} (expected 1)`);
  if (o.unit !== 'us') fail(`unsupported unit ${JSON.stringify(o.unit)} (expected "us")`);
  if (typeof o.encoded !== 'string' || o.encoded.length === 0) fail("'encoded' must be a non-empty string");
  if (!isCount(o.overflow)) fail("'overflow' must be a non-negative integer");
  for (const key of ['minUs', 'maxUs', 'sumUs'] as const) {
    if (o[key] !== undefined && !isCount(o[key]))
      fail(`'${key}' must be a non-negative integer when present`);
  }
  return o as unknown as SerializedHistogram;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}
