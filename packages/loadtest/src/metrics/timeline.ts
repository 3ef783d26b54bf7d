/**
 * Per-interval counters of a run (for "over time" charts and the live view), keyed by wall-clock buckets aligned
 * to the epoch so that workers' timelines line up and merge exactly. Every field is an integer sum, so merging is
 * order-independent. Buckets widen (×2) when a long run would otherwise keep more than {@link MAX_BUCKETS}.
 */

export interface TimelineBucket {
  /** Requests handed to the HTTP client in this interval. */
  sent: number;
  /** Requests finished in this interval, and of those the ones that succeeded / failed. */
  ok: number;
  errors: number;
  /** Output tokens of the requests finished in this interval. */
  outputTokens: number;
  /** Sums in µs and counts, for means per interval. */
  ttftSumUs: number;
  ttftCount: number;
  e2eSumUs: number;
  e2eCount: number;
}

export interface SerializedTimeline {
  widthMs: number;
  /** [bucket index, sent, ok, errors, outputTokens, ttftSumUs, ttftCount, e2eSumUs, e2eCount] */
  buckets: number[][];
}

export interface TimelinePoint {
  /** Seconds from the run's first bucket to the start of this one. */
  t: number;
  sent: number;
  ok: number;
  errors: number;
  /** Per second over the bucket. */
  sentPerS: number;
  completedPerS: number;
  outputTokensPerS: number;
  ttftMeanMs: number | null;
  /** Successful requests of the bucket with a TTFT (streamed): the weight of its mean when buckets are merged. */
  ttftCount: number;
  e2eMeanMs: number | null;
}

export const BASE_BUCKET_MS = 1000;
export const MAX_BUCKETS = 3600;

const empty = (): TimelineBucket => ({
  sent: 0,
  ok: 0,
  errors: 0,
  outputTokens: 0,
  ttftSumUs: 0,
  ttftCount: 0,
  e2eSumUs: 0,
  e2eCount: 0,
});

function add(into: TimelineBucket, b: TimelineBucket): void {
  into.sent += b.sent;
  into.ok += b.ok;
  into.errors += b.errors;
  into.outputTokens += b.outputTokens;
  into.ttftSumUs += b.ttftSumUs;
  into.ttftCount += b.ttftCount;
  into.e2eSumUs += b.e2eSumUs;
  into.e2eCount += b.e2eCount;
}

export class Timeline {
  private buckets = new Map<number, TimelineBucket>();

  constructor(private width: number = BASE_BUCKET_MS) {}

  get widthMs(): number {
    return this.width;
  }

  private at(epochMs: number): TimelineBucket {
    const i = Math.floor(epochMs / this.width);
    let b = this.buckets.get(i);
    if (!b) {
      b = empty();
      this.buckets.set(i, b);
      if (this.buckets.size > MAX_BUCKETS) this.widen(this.width * 2);
      return this.at(epochMs);
    }
    return b;
  }

  noteSent(epochMs: number): void {
    this.at(epochMs).sent++;
  }

  noteDone(
    epochMs: number,
    ok: boolean,
    outputTokens: number,
    ttftMs: number | null,
    e2eMs: number | null,
  ): void {
    const b = this.at(epochMs);
    if (ok) b.ok++;
    else b.errors++;
    b.outputTokens += outputTokens;
    if (ttftMs !== null) {
      b.ttftSumUs += Math.round(ttftMs * 1000);
      b.ttftCount++;
    }
    if (e2eMs !== null) {
      b.e2eSumUs += Math.round(e2eMs * 1000);
      b.e2eCount++;
    }
  }

  /** Re-buckets into a wider interval (a multiple of the current one; epoch alignment keeps this exact). */
  widen(widthMs: number): void {
    if (widthMs <= this.width) return;
    if (widthMs % this.width !== 0)
      throw new RangeError(`timeline width ${widthMs} is not a multiple of ${this.width}`);
    const old = this.buckets;
    const factor = widthMs / this.width;
    this.buckets = new Map();
    this.width = widthMs;
    for (const [i, b] of old) {
      const j = Math.floor(i / factor);
      let into = this.buckets.get(j);
      if (!into) this.buckets.set(j, (into = empty()));
      add(into, b);
    }
  }

  merge(other: Timeline): void {
    const width = Math.max(this.width, other.width);
    this.widen(width);
    const o = other.width === width ? other : Timeline.fromJSON(other.toJSON());
    o.widen(width);
    for (const [i, b] of o.buckets) {
      let into = this.buckets.get(i);
      if (!into) this.buckets.set(i, (into = empty()));
      add(into, b);
    }
    while (this.buckets.size > MAX_BUCKETS) this.widen(this.width * 2);
  }

  /** Highest output tokens per second over any one bucket. */
  peakOutputTokensPerS(): number {
    let peak = 0;
    for (const b of this.buckets.values()) peak = Math.max(peak, b.outputTokens);
    return peak / (this.width / 1000);
  }

  /** Points from the first to the last bucket, gaps filled with zeros, in time order. */
  points(): TimelinePoint[] {
    if (this.buckets.size === 0) return [];
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    const first = keys[0] ?? 0;
    const last = keys[keys.length - 1] ?? 0;
    const perS = 1000 / this.width;
    const out: TimelinePoint[] = [];
    for (let i = first; i <= last; i++) {
      const b = this.buckets.get(i) ?? empty();
      out.push({
        t: ((i - first) * this.width) / 1000,
        sent: b.sent,
        ok: b.ok,
        errors: b.errors,
        sentPerS: b.sent * perS,
        completedPerS: (b.ok + b.errors) * perS,
        outputTokensPerS: b.outputTokens * perS,
        ttftMeanMs: b.ttftCount > 0 ? b.ttftSumUs / b.ttftCount / 1000 : null,
        ttftCount: b.ttftCount,
        e2eMeanMs: b.e2eCount > 0 ? b.e2eSumUs / b.e2eCount / 1000 : null,
      });
    }
    return out;
  }

  toJSON(): SerializedTimeline {
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    return {
      widthMs: this.width,
      buckets: keys.map((i) => {
        const b = this.buckets.get(i) ?? empty();
        return [i, b.sent, b.ok, b.errors, b.outputTokens, b.ttftSumUs, b.ttftCount, b.e2eSumUs, b.e2eCount];
      }),
    };
  }

  static fromJSON(s: SerializedTimeline): Timeline {
    const t = new Timeline(s.widthMs);
    for (const row of s.buckets) {
      const [
        i = 0,
        sent = 0,
        ok = 0,
        errors = 0,
        outputTokens = 0,
        ttftSumUs = 0,
        ttftCount = 0,
        e2eSumUs = 0,
        e2eCount = 0,
      ] = row;
      t.buckets.set(i, { sent, ok, errors, outputTokens, ttftSumUs, ttftCount, e2eSumUs, e2eCount });
    }
    return t;
  }
}
