import { describe, expect, it } from 'vitest';
import { parseExposition, samplesOf, valueOf } from '../../../../../test-support/pushgateway.js';
import type { RequestRecord } from '../../metrics/request-record.js';
import type { LiveStatus } from '../reporter.js';
import { LATENCY_BUCKETS_S, TOKENS_PER_S_BUCKETS, TTFT_BUCKETS_MS, WorkerMetrics } from './worker-metrics.js';

function record(over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    scheduledAt: 1_000,
    sentAt: 1_000,
    doneAt: 2_000,
    queueMs: 0,
    model: 'small-chat',
    testType: 'random_short',
    user: 1,
    ok: true,
    errorClass: null,
    status: 200,
    requestId: null,
    streamed: true,
    ttftMs: 120,
    ttfcMs: 120,
    e2eMs: 800,
    tpotMs: 20,
    itlMs: [20, 20],
    outputTokens: 10,
    outputTokenSource: 'usage',
    promptTokens: 30,
    promptTokenSource: 'usage',
    costUSD: 0.001,
    ...over,
  };
}

const live = (over: Partial<LiveStatus> = {}): LiveStatus => ({
  phase: 'running',
  elapsedS: 12,
  plannedS: 60,
  progress: 0.2,
  sent: 10,
  ok: 8,
  errors: 2,
  inFlight: 0,
  usersActive: 5,
  currentRate: 3.5,
  requestedRate: 4,
  ttftP50: 100,
  ttftP95: 200,
  latencyP50: null,
  latencyP95: null,
  outputTokensPerS: 50,
  errorsByClass: {},
  costUSD: 0.25,
  label: null,
  ...over,
});

describe('worker metrics for the Pushgateway', () => {
  it('counts requests, tokens, cost and errors by model without per-user labels', async () => {
    const m = new WorkerMetrics();
    m.record(record());
    m.record(record({ model: 'mid-chat', costUSD: 0.004 }));
    m.record(
      record({
        ok: false,
        errorClass: 'http_5xx',
        status: 503,
        e2eMs: null,
        ttftMs: null,
        tpotMs: null,
        outputTokens: 0,
      }),
    );
    const s = parseExposition(await m.exposition());
    expect(valueOf(s, 'loadtest_requests_total', { model: 'small-chat', success: 'true' })).toBe(1);
    expect(valueOf(s, 'loadtest_requests_total', { model: 'small-chat', success: 'false' })).toBe(1);
    expect(valueOf(s, 'loadtest_requests_total', { model: 'mid-chat', success: 'true' })).toBe(1);
    expect(valueOf(s, 'loadtest_tokens_total', { model: 'small-chat', token_type: 'prompt' })).toBe(60);
    expect(valueOf(s, 'loadtest_tokens_total', { model: 'small-chat', token_type: 'completion' })).toBe(10);
    expect(valueOf(s, 'loadtest_tokens_total', { model: 'small-chat', token_type: 'total' })).toBe(70);
    expect(valueOf(s, 'loadtest_cost_usd', { model: 'small-chat' })).toBeCloseTo(0.002, 12);
    expect(valueOf(s, 'loadtest_errors_total', { error_type: 'http_5xx' })).toBe(1);
    expect(valueOf(s, 'loadtest_run_tokens_total')).toBe(110);
    for (const sample of s) {
      expect(Object.keys(sample.labels)).not.toContain('user_id');
      expect(Object.keys(sample.labels)).not.toContain('org_id');
      expect(Object.keys(sample.labels)).not.toContain('test_run_id');
    }
  });

  it("counts prefix-cache hits and misses per test type (the seed spec's loadtest_user_cache_*)", async () => {
    const m = new WorkerMetrics();
    m.record(record({ testType: 'cached', cachedPromptTokens: 16 }));
    m.record(record({ testType: 'cached', cachedPromptTokens: 32 }));
    m.record(record({ testType: 'cached', cachedPromptTokens: 0 }));
    m.record(record({ testType: 'random_short', cachedPromptTokens: 0 }));
    m.record(record({ testType: 'unreported' })); // the server said nothing about its cache: not counted
    const s = parseExposition(await m.exposition());
    expect(valueOf(s, 'loadtest_user_cache_hits_total', { test_type: 'cached' })).toBe(2);
    expect(valueOf(s, 'loadtest_user_cache_misses_total', { test_type: 'cached' })).toBe(1);
    expect(valueOf(s, 'loadtest_user_cache_hit_ratio', { test_type: 'cached' })).toBeCloseTo(2 / 3, 12);
    expect(valueOf(s, 'loadtest_user_cache_hit_ratio', { test_type: 'random_short' })).toBe(0);
    expect(
      samplesOf(s, 'loadtest_user_cache_hit_ratio')
        .map((x) => x.labels['test_type'])
        .sort(),
    ).toEqual(['cached', 'random_short']);
  });

  it('observes latency in seconds, TTFT of streams and the decode rate as 1000 / TPOT', async () => {
    const m = new WorkerMetrics();
    m.record(record({ e2eMs: 800, ttftMs: 120, tpotMs: 20 }));
    m.record(record({ streamed: false, ttftMs: null, e2eMs: 3_000, tpotMs: null }));
    const s = parseExposition(await m.exposition());
    const model = { model: 'small-chat' };
    expect(valueOf(s, 'loadtest_request_latency_seconds_count', model)).toBe(2);
    expect(valueOf(s, 'loadtest_request_latency_seconds_sum', model)).toBeCloseTo(3.8, 9);
    expect(valueOf(s, 'loadtest_request_latency_seconds_bucket', { ...model, le: '1' })).toBe(1);
    expect(valueOf(s, 'loadtest_request_latency_seconds_bucket', { ...model, le: '5' })).toBe(2);
    expect(valueOf(s, 'loadtest_llm_time_to_first_token_milliseconds_count', model)).toBe(1);
    expect(valueOf(s, 'loadtest_llm_time_to_first_token_milliseconds_bucket', { ...model, le: '100' })).toBe(
      0,
    );
    expect(valueOf(s, 'loadtest_llm_time_to_first_token_milliseconds_bucket', { ...model, le: '200' })).toBe(
      1,
    );
    expect(valueOf(s, 'loadtest_llm_tokens_per_second_sum', model)).toBe(50);
    const les = (name: string): string[] =>
      samplesOf(s, `${name}_bucket`, model).map((x) => x.labels.le ?? '');
    expect(les('loadtest_request_latency_seconds')).toEqual([...LATENCY_BUCKETS_S.map(String), '+Inf']);
    expect(les('loadtest_llm_time_to_first_token_milliseconds')).toEqual([
      ...TTFT_BUCKETS_MS.map(String),
      '+Inf',
    ]);
    expect(les('loadtest_llm_tokens_per_second')).toEqual([...TOKENS_PER_S_BUCKETS.map(String), '+Inf']);
  });

  it('sets the worker status and run-level gauges from live snapshots', async () => {
    const m = new WorkerMetrics();
    expect(valueOf(parseExposition(await m.exposition()), 'loadtest_worker_status')).toBe(0);
    m.setLive(live());
    const s = parseExposition(await m.exposition());
    expect(valueOf(s, 'loadtest_worker_status')).toBe(2);
    expect(valueOf(s, 'loadtest_worker_users_active')).toBe(5);
    expect(valueOf(s, 'loadtest_run_active_users')).toBe(5);
    expect(valueOf(s, 'loadtest_run_requests_per_second')).toBe(3.5);
    expect(valueOf(s, 'loadtest_run_error_rate')).toBe(0.2);
    expect(valueOf(s, 'loadtest_run_cost_total_usd')).toBe(0.25);
    expect(valueOf(s, 'loadtest_run_duration_seconds')).toBe(12);
  });
});
