import { LatencyHistogram, type SerializedHistogram } from '@llmops/core';
import { ErrorSamples, type SerializedErrorSamples } from './error-samples.js';
import type { RequestRecord } from './request-record.js';
import { Timeline, type SerializedTimeline } from './timeline.js';

/** Service-level objectives for goodput: a request counts when it succeeded and met every threshold given. */
export interface Slo {
  ttftMs?: number;
  tpotMs?: number;
  e2eMs?: number;
}

/** The latency-like distributions kept per run (all in ms, except the tok/s one). */
export const DISTRIBUTIONS = [
  'ttft',
  'ttfc',
  'e2e',
  'latency',
  'tpot',
  'itl',
  'ntpot',
  'queue',
  'decodeTokensPerS',
] as const;
export type DistributionName = (typeof DISTRIBUTIONS)[number];

/** A request that waited longer than this between its scheduled and its actual send counts as late. */
export const LATE_AFTER_MS = 10;

export type TokenSourceCounts = Record<'usage' | 'chunks' | 'none', number>;

/** Prefix-cache counts, from requests whose server reported `usage.prompt_tokens_details.cached_tokens`. */
export interface CacheCounters {
  /** Requests that reported it, and their prompt tokens. */
  cacheReported: number;
  cacheReportedPromptTokens: number;
  /** Of those, requests with at least one cached token, and the cached tokens. */
  cacheHits: number;
  cachedPromptTokens: number;
}

export interface GroupCounters extends CacheCounters {
  requests: number;
  ok: number;
  errors: number;
  outputTokens: number;
  promptTokens: number;
  costNanoUSD: number;
}

/** A group as written to disk: files from before prefix-cache counting lack those fields. */
export type SerializedGroupCounters = Omit<GroupCounters, keyof CacheCounters> & Partial<CacheCounters>;

interface ModelStats extends GroupCounters {
  ttft: LatencyHistogram;
  e2e: LatencyHistogram;
}

export interface SerializedRunMetrics {
  v: 1;
  slo: Slo | null;
  counters: {
    sent: number;
    late: number;
    requests: number;
    ok: number;
    errors: number;
    streamed: number;
    goodput: number;
    outputTokens: number;
    promptTokens: number;
    costNanoUSD: number;
    unpriced: number;
    /** Requests that were retries of a failed one (absent in files written before retries existed). */
    retries?: number;
    firstSentAt: number | null;
    lastDoneAt: number | null;
    sendSpan: { first: number; last: number } | null;
  };
  errorsByClass: Record<string, number>;
  /** What the failures said, per class (absent in files written before it was kept). */
  errorSamples?: SerializedErrorSamples;
  outputTokenSource: TokenSourceCounts;
  promptTokenSource: TokenSourceCounts;
  histograms: Record<DistributionName, SerializedHistogram>;
  byModel: Record<string, SerializedGroupCounters & { ttft: SerializedHistogram; e2e: SerializedHistogram }>;
  byTestType: Record<string, SerializedGroupCounters>;
  timeline: SerializedTimeline;
}

const zeroGroup = (): GroupCounters => ({
  requests: 0,
  ok: 0,
  errors: 0,
  outputTokens: 0,
  promptTokens: 0,
  costNanoUSD: 0,
  cacheReported: 0,
  cacheReportedPromptTokens: 0,
  cacheHits: 0,
  cachedPromptTokens: 0,
});

function addGroup(into: GroupCounters, g: SerializedGroupCounters): void {
  into.requests += g.requests;
  into.ok += g.ok;
  into.errors += g.errors;
  into.outputTokens += g.outputTokens;
  into.promptTokens += g.promptTokens;
  into.costNanoUSD += g.costNanoUSD;
  into.cacheReported += g.cacheReported ?? 0;
  into.cacheReportedPromptTokens += g.cacheReportedPromptTokens ?? 0;
  into.cacheHits += g.cacheHits ?? 0;
  into.cachedPromptTokens += g.cachedPromptTokens ?? 0;
}

const groupOf = (g: GroupCounters): GroupCounters => ({
  requests: g.requests,
  ok: g.ok,
  errors: g.errors,
  outputTokens: g.outputTokens,
  promptTokens: g.promptTokens,
  costNanoUSD: g.costNanoUSD,
  cacheReported: g.cacheReported,
  cacheReportedPromptTokens: g.cacheReportedPromptTokens,
  cacheHits: g.cacheHits,
  cachedPromptTokens: g.cachedPromptTokens,
});

/**
 * Everything a run measures, as histograms and integer counters — memory stays flat however many requests are
 * recorded, and N workers' metrics merged give exactly the numbers one process recording all the requests would
 * (costs are kept in integer nano-dollars and times in integer µs for that reason).
 */
export class RunMetrics {
  readonly hist: Record<DistributionName, LatencyHistogram>;
  readonly timeline: Timeline;
  readonly errorsByClass = new Map<string, number>();
  readonly errorSamples = new ErrorSamples();
  readonly outputTokenSource: TokenSourceCounts = { usage: 0, chunks: 0, none: 0 };
  readonly promptTokenSource: TokenSourceCounts = { usage: 0, chunks: 0, none: 0 };
  private readonly byModel = new Map<string, ModelStats>();
  private readonly byTestType = new Map<string, GroupCounters>();
  /** Requests handed to the HTTP client (finished or not). */
  sent = 0;
  /** Finished requests that went out more than {@link LATE_AFTER_MS} after their scheduled time. */
  late = 0;
  requests = 0;
  ok = 0;
  errors = 0;
  streamed = 0;
  goodput = 0;
  outputTokens = 0;
  promptTokens = 0;
  costNanoUSD = 0;
  /** Requests whose model had no price in the table. */
  unpriced = 0;
  /** Requests that retried a failed one (each retry is also a request of its own). */
  retries = 0;
  firstSentAt: number | null = null;
  lastDoneAt: number | null = null;
  /** First and last send of any request (finished or not): the span the achieved rate is measured over. */
  sendSpan: { first: number; last: number } | null = null;

  constructor(readonly slo: Slo | null = null) {
    this.hist = Object.fromEntries(DISTRIBUTIONS.map((d) => [d, new LatencyHistogram()])) as Record<
      DistributionName,
      LatencyHistogram
    >;
    this.timeline = new Timeline();
  }

  /** Notes a request handed to the HTTP client (for the achieved-rate timeline), before it finishes. */
  noteSent(epochMs: number): void {
    this.sent++;
    if (!this.sendSpan) this.sendSpan = { first: epochMs, last: epochMs };
    else {
      if (epochMs < this.sendSpan.first) this.sendSpan.first = epochMs;
      if (epochMs > this.sendSpan.last) this.sendSpan.last = epochMs;
    }
    this.timeline.noteSent(epochMs);
  }

  /** Adds one finished request. `noteSent` is separate so in-flight requests already show in the live view. */
  record(r: RequestRecord): void {
    this.requests++;
    if (r.streamed) this.streamed++;
    if (r.attempt !== undefined && r.attempt > 1) this.retries++;
    if (this.firstSentAt === null || r.sentAt < this.firstSentAt) this.firstSentAt = r.sentAt;
    if (this.lastDoneAt === null || r.doneAt > this.lastDoneAt) this.lastDoneAt = r.doneAt;
    const h = this.hist;
    h.queue.record(r.queueMs);
    if (r.queueMs > LATE_AFTER_MS) this.late++;
    const cost = r.costUSD === null ? 0 : Math.round(r.costUSD * 1e9);
    if (r.costUSD === null) this.unpriced++;
    this.costNanoUSD += cost;
    this.outputTokens += r.outputTokens;
    this.promptTokens += r.promptTokens;
    this.outputTokenSource[r.outputTokenSource]++;
    this.promptTokenSource[r.promptTokenSource]++;
    const model = this.modelStats(r.model);
    const type = this.testTypeStats(r.testType);
    const cached = r.cachedPromptTokens;
    for (const g of [model, type]) {
      g.requests++;
      g.outputTokens += r.outputTokens;
      g.promptTokens += r.promptTokens;
      g.costNanoUSD += cost;
      if (cached !== undefined) {
        g.cacheReported++;
        g.cacheReportedPromptTokens += r.promptTokens;
        g.cachedPromptTokens += cached;
        if (cached > 0) g.cacheHits++;
      }
    }
    if (r.ok) {
      this.ok++;
      model.ok++;
      type.ok++;
      if (r.ttftMs !== null) {
        h.ttft.record(r.ttftMs);
        model.ttft.record(r.ttftMs);
      }
      if (r.ttfcMs !== null) h.ttfc.record(r.ttfcMs);
      if (r.e2eMs !== null) {
        h.e2e.record(r.e2eMs);
        model.e2e.record(r.e2eMs);
        h.latency.record(r.queueMs + r.e2eMs);
        if (r.outputTokens > 0) h.ntpot.record(r.e2eMs / r.outputTokens);
      }
      if (r.tpotMs !== null) {
        h.tpot.record(r.tpotMs);
        if (r.tpotMs > 0) h.decodeTokensPerS.record(1000 / r.tpotMs);
      }
      for (const gap of r.itlMs) h.itl.record(gap);
      if (this.meetsSlo(r)) this.goodput++;
    } else {
      this.errors++;
      model.errors++;
      type.errors++;
      const c = r.errorClass ?? 'unknown';
      this.errorsByClass.set(c, (this.errorsByClass.get(c) ?? 0) + 1);
      this.errorSamples.note(c, r.status, r.error ?? '');
    }
    this.timeline.noteDone(r.doneAt, r.ok, r.outputTokens, r.ok ? r.ttftMs : null, r.ok ? r.e2eMs : null);
  }

  /** vLLM's goodput rules: TPOT counts as 0 with fewer than two tokens; a JSON answer's first token is its end. */
  private meetsSlo(r: RequestRecord): boolean {
    const s = this.slo;
    if (!s) return true;
    const ttft = r.ttftMs ?? r.e2eMs ?? Infinity;
    if (s.ttftMs !== undefined && ttft > s.ttftMs) return false;
    if (s.tpotMs !== undefined && (r.tpotMs ?? 0) > s.tpotMs) return false;
    if (s.e2eMs !== undefined && (r.e2eMs ?? Infinity) > s.e2eMs) return false;
    return true;
  }

  private modelStats(model: string): ModelStats {
    let m = this.byModel.get(model);
    if (!m) {
      m = { ...zeroGroup(), ttft: new LatencyHistogram(), e2e: new LatencyHistogram() };
      this.byModel.set(model, m);
    }
    return m;
  }

  private testTypeStats(type: string): GroupCounters {
    let t = this.byTestType.get(type);
    if (!t) this.byTestType.set(type, (t = zeroGroup()));
    return t;
  }

  get costUSD(): number {
    return this.costNanoUSD / 1e9;
  }

  /**
   * Requests sent per second between the first and the last send: n sends span n − 1 gaps. Measured over the
   * sending window only, so waiting for the last answers does not dilute it.
   */
  get achievedRate(): number {
    const s = this.sendSpan;
    if (!s || this.sent < 2 || s.last <= s.first) return 0;
    return ((this.sent - 1) * 1000) / (s.last - s.first);
  }

  get errorRate(): number {
    return this.requests === 0 ? 0 : this.errors / this.requests;
  }

  models(): ReadonlyMap<string, Readonly<GroupCounters> & { ttft: LatencyHistogram; e2e: LatencyHistogram }> {
    return this.byModel;
  }

  testTypes(): ReadonlyMap<string, Readonly<GroupCounters>> {
    return this.byTestType;
  }

  /** Adds another run's (e.g. another worker's) metrics. Both must have been recorded against the same SLO. */
  merge(other: RunMetrics): void {
    if (JSON.stringify(this.slo) !== JSON.stringify(other.slo))
      throw new Error('cannot merge load-test metrics recorded against different SLOs');
    this.sent += other.sent;
    this.late += other.late;
    this.requests += other.requests;
    this.ok += other.ok;
    this.errors += other.errors;
    this.streamed += other.streamed;
    this.goodput += other.goodput;
    this.outputTokens += other.outputTokens;
    this.promptTokens += other.promptTokens;
    this.costNanoUSD += other.costNanoUSD;
    this.unpriced += other.unpriced;
    this.retries += other.retries;
    if (other.firstSentAt !== null)
      this.firstSentAt =
        this.firstSentAt === null ? other.firstSentAt : Math.min(this.firstSentAt, other.firstSentAt);
    if (other.lastDoneAt !== null)
      this.lastDoneAt =
        this.lastDoneAt === null ? other.lastDoneAt : Math.max(this.lastDoneAt, other.lastDoneAt);
    const a = this.sendSpan;
    const b = other.sendSpan;
    if (b)
      this.sendSpan = a ? { first: Math.min(a.first, b.first), last: Math.max(a.last, b.last) } : { ...b };
    for (const d of DISTRIBUTIONS) this.hist[d].merge(other.hist[d]);
    for (const [c, n] of other.errorsByClass) this.errorsByClass.set(c, (this.errorsByClass.get(c) ?? 0) + n);
    this.errorSamples.merge(other.errorSamples);
    for (const k of ['usage', 'chunks', 'none'] as const) {
      this.outputTokenSource[k] += other.outputTokenSource[k];
      this.promptTokenSource[k] += other.promptTokenSource[k];
    }
    for (const [name, m] of other.byModel) {
      const into = this.modelStats(name);
      addGroup(into, m);
      into.ttft.merge(m.ttft);
      into.e2e.merge(m.e2e);
    }
    for (const [name, t] of other.byTestType) addGroup(this.testTypeStats(name), t);
    this.timeline.merge(other.timeline);
  }

  toJSON(): SerializedRunMetrics {
    const sorted = <V>(m: ReadonlyMap<string, V>): [string, V][] =>
      [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      v: 1,
      slo: this.slo,
      counters: {
        sent: this.sent,
        late: this.late,
        requests: this.requests,
        ok: this.ok,
        errors: this.errors,
        streamed: this.streamed,
        goodput: this.goodput,
        outputTokens: this.outputTokens,
        promptTokens: this.promptTokens,
        costNanoUSD: this.costNanoUSD,
        unpriced: this.unpriced,
        retries: this.retries,
        firstSentAt: this.firstSentAt,
        lastDoneAt: this.lastDoneAt,
        sendSpan: this.sendSpan,
      },
      errorsByClass: Object.fromEntries(sorted(this.errorsByClass)),
      errorSamples: this.errorSamples.toJSON(),
      outputTokenSource: { ...this.outputTokenSource },
      promptTokenSource: { ...this.promptTokenSource },
      histograms: Object.fromEntries(DISTRIBUTIONS.map((d) => [d, this.hist[d].toJSON()])) as Record<
        DistributionName,
        SerializedHistogram
      >,
      byModel: Object.fromEntries(
        sorted(this.byModel).map(([k, m]) => [
          k,
          { ...groupOf(m), ttft: m.ttft.toJSON(), e2e: m.e2e.toJSON() },
        ]),
      ),
      byTestType: Object.fromEntries(sorted(this.byTestType).map(([k, t]) => [k, groupOf(t)])),
      timeline: this.timeline.toJSON(),
    };
  }

  static fromJSON(s: SerializedRunMetrics): RunMetrics {
    if (s.v !== 1) throw new TypeError(`unsupported load-test metrics version ${String(s.v)}`);
    const m = new RunMetrics(s.slo);
    Object.assign(m, {
      sent: s.counters.sent,
      late: s.counters.late,
      requests: s.counters.requests,
      ok: s.counters.ok,
      errors: s.counters.errors,
      streamed: s.counters.streamed,
      goodput: s.counters.goodput,
      outputTokens: s.counters.outputTokens,
      promptTokens: s.counters.promptTokens,
      costNanoUSD: s.counters.costNanoUSD,
      unpriced: s.counters.unpriced,
      retries: s.counters.retries ?? 0,
      firstSentAt: s.counters.firstSentAt,
      lastDoneAt: s.counters.lastDoneAt,
      sendSpan: s.counters.sendSpan ? { ...s.counters.sendSpan } : null,
    });
    for (const [c, n] of Object.entries(s.errorsByClass)) m.errorsByClass.set(c, n);
    m.errorSamples.merge(ErrorSamples.fromJSON(s.errorSamples));
    Object.assign(m.outputTokenSource, s.outputTokenSource);
    Object.assign(m.promptTokenSource, s.promptTokenSource);
    for (const d of DISTRIBUTIONS) m.hist[d].merge(LatencyHistogram.fromJSON(s.histograms[d]));
    for (const [name, g] of Object.entries(s.byModel)) {
      const into = m.modelStats(name);
      addGroup(into, g);
      into.ttft.merge(LatencyHistogram.fromJSON(g.ttft));
      into.e2e.merge(LatencyHistogram.fromJSON(g.e2e));
    }
    for (const [name, g] of Object.entries(s.byTestType)) addGroup(m.testTypeStats(name), g);
    m.timeline.merge(Timeline.fromJSON(s.timeline));
    return m;
  }
}
