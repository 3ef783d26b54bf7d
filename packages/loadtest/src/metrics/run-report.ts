import type { LatencyHistogram, LatencySummary } from '@llmops/core';
import type { SerializedErrorSamples } from './error-samples.js';
import type { TimelinePoint } from './timeline.js';
import { LATE_AFTER_MS } from './run-metrics.js';
import type {
  CacheCounters,
  DistributionName,
  GroupCounters,
  RunMetrics,
  Slo,
  TokenSourceCounts,
} from './run-metrics.js';

/** Percentiles at which distributions are sampled for charts (a CDF per metric). */
export const CDF_PERCENTILES: readonly number[] = [
  0, 1, 2, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 92.5, 95, 97.5, 98, 99,
  99.5, 99.9, 100,
];

/**
 * The server's prefix cache as the client saw it (`usage.prompt_tokens_details.cached_tokens`), over the requests
 * that reported it; null when none did.
 */
export interface CacheReport {
  /** Requests that reported cached tokens, and those with at least one. */
  reported: number;
  hits: number;
  /** hits / reported: the seed's "cache hit rate" (> 80% for `cached` test types, < 5% for `random_short`). */
  hitRatio: number;
  /** Cached prompt tokens / prompt tokens of the reporting requests. */
  tokenHitRatio: number;
  cachedTokens: number;
}

export interface GroupReport {
  requests: number;
  ok: number;
  errors: number;
  outputTokens: number;
  promptTokens: number;
  costUSD: number;
  cache: CacheReport | null;
}

/**
 * The numbers of a run, derived only from {@link RunMetrics} — so a report built from merged worker metrics is
 * identical to one built in a single process. Definitions follow the load-test contract's glossary (§6).
 */
export interface RunReport {
  /** Epoch ms of the first request sent and of the last one finished; null before any request finished. */
  firstSentAt: number | null;
  lastDoneAt: number | null;
  /** lastDoneAt − firstSentAt in seconds (AIPerf's benchmark duration). */
  durationS: number;
  /** `retries`: requests that retried a failed one (counted in `total` too). */
  requests: { total: number; ok: number; errors: number; streamed: number; retries: number };
  /** Requests sent (incl. unfinished) and finished requests sent late (queueing delay > lateAfterMs). */
  schedule: { sent: number; late: number; lateAfterMs: number };
  errorRate: number;
  errorsByClass: Record<string, number>;
  /** Per error class, what its failures said: distinct (status, message) pairs, most frequent first. */
  errorSamples: SerializedErrorSamples;
  throughput: {
    /** Successful requests per second. */
    requestsPerS: number;
    outputTokensPerS: number;
    totalTokensPerS: number;
    /** Highest output tokens/s over any one timeline bucket (tokens counted when their request finished). */
    peakOutputTokensPerS: number;
    /** Requests meeting every SLO per second; equals requestsPerS when no SLO is set. */
    goodputPerS: number;
  };
  slo: Slo | null;
  goodput: { requests: number; ratio: number };
  /** ms, except decodeTokensPerS (tokens/s per request = 1000 / TPOT). */
  latency: Record<DistributionName, LatencySummary>;
  tokens: {
    prompt: number;
    output: number;
    outputSource: TokenSourceCounts;
    promptSource: TokenSourceCounts;
    meanOutputPerRequest: number;
    meanPromptPerRequest: number;
  };
  cost: { usd: number; unpricedRequests: number; usdPerMillionOutputTokens: number | null };
  cache: CacheReport | null;
  byModel: Record<string, GroupReport & { ttft: LatencySummary; e2e: LatencySummary }>;
  byTestType: Record<string, GroupReport>;
  /** For charts: value at each of {@link CDF_PERCENTILES} per distribution. */
  cdf: Record<DistributionName, number[]>;
  timeline: { bucketS: number; points: TimelinePoint[] };
}

const cdfOf = (h: LatencyHistogram): number[] =>
  h.count === 0 ? [] : CDF_PERCENTILES.map((p) => h.percentile(p));

const groupReport = (g: Readonly<GroupCounters>): GroupReport => ({
  requests: g.requests,
  ok: g.ok,
  errors: g.errors,
  outputTokens: g.outputTokens,
  promptTokens: g.promptTokens,
  costUSD: g.costNanoUSD / 1e9,
  cache: cacheReport(g),
});

function cacheReport(g: Readonly<CacheCounters>): CacheReport | null {
  if (g.cacheReported === 0) return null;
  return {
    reported: g.cacheReported,
    hits: g.cacheHits,
    hitRatio: g.cacheHits / g.cacheReported,
    tokenHitRatio: g.cacheReportedPromptTokens > 0 ? g.cachedPromptTokens / g.cacheReportedPromptTokens : 0,
    cachedTokens: g.cachedPromptTokens,
  };
}

/** The whole run's cache counts: every request belongs to exactly one test type. */
function totalCache(m: RunMetrics): CacheReport | null {
  const t: CacheCounters = {
    cacheReported: 0,
    cacheReportedPromptTokens: 0,
    cacheHits: 0,
    cachedPromptTokens: 0,
  };
  for (const g of m.testTypes().values()) {
    t.cacheReported += g.cacheReported;
    t.cacheReportedPromptTokens += g.cacheReportedPromptTokens;
    t.cacheHits += g.cacheHits;
    t.cachedPromptTokens += g.cachedPromptTokens;
  }
  return cacheReport(t);
}

export function buildReport(m: RunMetrics): RunReport {
  const durationS =
    m.firstSentAt !== null && m.lastDoneAt !== null ? Math.max(0, m.lastDoneAt - m.firstSentAt) / 1000 : 0;
  const per = (n: number): number => (durationS > 0 ? n / durationS : 0);
  const names = Object.keys(m.hist) as DistributionName[];
  const sortedEntries = <V>(map: ReadonlyMap<string, V>): [string, V][] =>
    [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    firstSentAt: m.firstSentAt,
    lastDoneAt: m.lastDoneAt,
    durationS,
    requests: { total: m.requests, ok: m.ok, errors: m.errors, streamed: m.streamed, retries: m.retries },
    schedule: { sent: m.sent, late: m.late, lateAfterMs: LATE_AFTER_MS },
    errorRate: m.errorRate,
    errorsByClass: Object.fromEntries(sortedEntries(m.errorsByClass)),
    errorSamples: m.errorSamples.toJSON(),
    throughput: {
      requestsPerS: per(m.ok),
      outputTokensPerS: per(m.outputTokens),
      totalTokensPerS: per(m.outputTokens + m.promptTokens),
      peakOutputTokensPerS: m.timeline.peakOutputTokensPerS(),
      goodputPerS: per(m.goodput),
    },
    slo: m.slo,
    goodput: { requests: m.goodput, ratio: m.requests === 0 ? 0 : m.goodput / m.requests },
    latency: Object.fromEntries(names.map((d) => [d, m.hist[d].summary()])) as Record<
      DistributionName,
      LatencySummary
    >,
    tokens: {
      prompt: m.promptTokens,
      output: m.outputTokens,
      outputSource: { ...m.outputTokenSource },
      promptSource: { ...m.promptTokenSource },
      meanOutputPerRequest: m.requests === 0 ? 0 : m.outputTokens / m.requests,
      meanPromptPerRequest: m.requests === 0 ? 0 : m.promptTokens / m.requests,
    },
    cost: {
      usd: m.costUSD,
      unpricedRequests: m.unpriced,
      usdPerMillionOutputTokens: m.outputTokens > 0 ? (m.costUSD / m.outputTokens) * 1e6 : null,
    },
    cache: totalCache(m),
    byModel: Object.fromEntries(
      sortedEntries(m.models()).map(([k, g]) => [
        k,
        { ...groupReport(g), ttft: g.ttft.summary(), e2e: g.e2e.summary() },
      ]),
    ),
    byTestType: Object.fromEntries(sortedEntries(m.testTypes()).map(([k, g]) => [k, groupReport(g)])),
    cdf: Object.fromEntries(names.map((d) => [d, cdfOf(m.hist[d])])) as Record<DistributionName, number[]>,
    timeline: { bucketS: m.timeline.widthMs / 1000, points: m.timeline.points() },
  };
}
