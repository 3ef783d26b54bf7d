import { describe, expect, it } from 'vitest';
import type { RequestRecord } from './request-record.js';
import { RunMetrics } from './run-metrics.js';
import { buildReport } from './run-report.js';
import { resultOf, stepReport, type SerializedRun, type WorkerMeta } from './run-result.js';

const T0 = 1_700_000_000_000;

function rec(over: Partial<RequestRecord>): RequestRecord {
  return {
    scheduledAt: T0,
    sentAt: T0,
    doneAt: T0 + 1000,
    queueMs: 0,
    model: 'm',
    testType: 't',
    user: 0,
    ok: true,
    errorClass: null,
    status: 200,
    requestId: null,
    streamed: true,
    ttftMs: 100,
    ttfcMs: 100,
    e2eMs: 1000,
    tpotMs: null,
    itlMs: [],
    outputTokens: 0,
    outputTokenSource: 'usage',
    promptTokens: 0,
    promptTokenSource: 'usage',
    costUSD: 0,
    ...over,
  };
}

/**
 * A fixed trace whose figures are worked out by hand below:
 *  A: sent T0, TTFT 100, tokens at 100, 150, 250, 300 ms (4 tokens), done at 300 → TPOT (300−100)/3 = 66.667,
 *     ITL gaps 50, 100, 50; NTPOT 300/4 = 75.
 *  B: sent T0+500 (scheduled T0+480: 20 ms late), TTFT 200, 2 tokens at 200, 400 → TPOT 200, ITL 200, E2E 400.
 *  C: sent T0+1000, fails with http_5xx after 50 ms.
 *  D: JSON answer, sent T0+1500, done after 250 ms, 10 output tokens → TTFT null, TPOT null, NTPOT 25.
 */
const TRACE: RequestRecord[] = [
  rec({
    sentAt: T0,
    doneAt: T0 + 300,
    ttftMs: 100,
    ttfcMs: 100,
    e2eMs: 300,
    tpotMs: 200 / 3,
    itlMs: [50, 100, 50],
    outputTokens: 4,
    promptTokens: 10,
    costUSD: 0.001,
    model: 'small',
  }),
  rec({
    scheduledAt: T0 + 480,
    sentAt: T0 + 500,
    doneAt: T0 + 900,
    queueMs: 20,
    ttftMs: 200,
    ttfcMs: 200,
    e2eMs: 400,
    tpotMs: 200,
    itlMs: [200],
    outputTokens: 2,
    outputTokenSource: 'chunks',
    promptTokens: 20,
    costUSD: 0.002,
    model: 'big',
  }),
  rec({
    scheduledAt: T0 + 1000,
    sentAt: T0 + 1000,
    doneAt: T0 + 1050,
    ok: false,
    errorClass: 'http_5xx',
    status: 500,
    ttftMs: null,
    ttfcMs: null,
    e2eMs: null,
    outputTokenSource: 'none',
    promptTokenSource: 'none',
    model: 'big',
    testType: 'u',
  }),
  rec({
    scheduledAt: T0 + 1500,
    sentAt: T0 + 1500,
    doneAt: T0 + 1750,
    streamed: false,
    ttftMs: null,
    ttfcMs: null,
    e2eMs: 250,
    outputTokens: 10,
    promptTokens: 5,
    costUSD: null,
    model: 'small',
  }),
];

function metricsOf(records: readonly RequestRecord[], slo: RunMetrics['slo'] = null): RunMetrics {
  const m = new RunMetrics(slo);
  for (const r of records) {
    m.noteSent(r.sentAt);
    m.record(r);
  }
  return m;
}

describe('run metrics on a hand-computed trace', () => {
  const report = buildReport(metricsOf(TRACE, { ttftMs: 150 }));

  it('counts requests, errors by class, tokens with their sources and cost', () => {
    expect(report.requests).toEqual({ total: 4, ok: 3, errors: 1, streamed: 3, retries: 0 });
    expect(report.errorRate).toBe(0.25);
    expect(report.errorsByClass).toEqual({ http_5xx: 1 });
    expect(report.tokens).toMatchObject({ prompt: 35, output: 16 });
    expect(report.tokens.outputSource).toEqual({ usage: 2, chunks: 1, none: 1 });
    expect(report.cost.usd).toBeCloseTo(0.003, 12);
    expect(report.cost.unpricedRequests).toBe(1);
  });

  it('measures duration from the first send to the last answer, and throughput over it', () => {
    expect(report.durationS).toBe(1.75);
    expect(report.throughput.requestsPerS).toBeCloseTo(3 / 1.75, 12);
    expect(report.throughput.outputTokensPerS).toBeCloseTo(16 / 1.75, 12);
    expect(report.throughput.totalTokensPerS).toBeCloseTo(51 / 1.75, 12);
  });

  it('computes TTFT, TPOT, pooled ITL, NTPOT and E2E per the glossary', () => {
    const l = report.latency;
    expect(l.ttft).toMatchObject({ count: 2, min: 100, max: 200, mean: 150 });
    expect(l.tpot).toMatchObject({ count: 2, min: 66.667, max: 200 });
    expect(l.itl).toMatchObject({ count: 4, min: 50, max: 200, mean: 100 });
    // Percentiles carry HDR's 3 significant digits.
    expect(Math.abs(l.itl.p50 - 50)).toBeLessThanOrEqual(0.05);
    expect(l.ntpot).toMatchObject({ count: 3, min: 25, max: 200 });
    expect(l.ntpot.mean).toBeCloseTo((75 + 200 + 25) / 3, 3);
    expect(l.e2e).toMatchObject({ count: 3, min: 250, max: 400 });
    // Latency from the scheduled instant includes B's 20 ms wait.
    expect(l.latency.max).toBe(420);
    expect(l.queue).toMatchObject({ count: 4, max: 20 });
    expect(l.decodeTokensPerS).toMatchObject({ count: 2, min: 5, max: 15 });
    expect(report.schedule).toEqual({ sent: 4, late: 1, lateAfterMs: 10 });
  });

  it('counts goodput against the SLO, a JSON answer judged by its end', () => {
    // A (TTFT 100) meets ttft ≤ 150, B (200) does not, D's first token is its end (250): not good.
    expect(report.goodput).toEqual({ requests: 1, ratio: 0.25 });
    expect(report.throughput.goodputPerS).toBeCloseTo(1 / 1.75, 12);
  });

  it('breaks requests down by model and test type', () => {
    expect(report.byModel['small']).toMatchObject({ requests: 2, ok: 2, errors: 0, outputTokens: 14 });
    expect(report.byModel['big']).toMatchObject({ requests: 2, ok: 1, errors: 1, outputTokens: 2 });
    expect(report.byTestType).toEqual({
      t: { requests: 3, ok: 3, errors: 0, outputTokens: 16, promptTokens: 35, costUSD: 0.003, cache: null },
      u: { requests: 1, ok: 0, errors: 1, outputTokens: 0, promptTokens: 0, costUSD: 0, cache: null },
    });
    expect(report.cache).toBeNull();
  });

  it('counts prefix-cache hits over the requests whose server reported cached tokens', () => {
    const m = new RunMetrics();
    m.record(rec({ testType: 'c', promptTokens: 40, cachedPromptTokens: 32 }));
    m.record(rec({ testType: 'c', promptTokens: 60, cachedPromptTokens: 0 }));
    m.record(rec({ testType: 'c', promptTokens: 50 })); // not reported: left out
    m.record(rec({ testType: 'd', promptTokens: 100, cachedPromptTokens: 16 }));
    const r = buildReport(
      RunMetrics.fromJSON(JSON.parse(JSON.stringify(m.toJSON())) as ReturnType<RunMetrics['toJSON']>),
    );
    expect(r.byTestType['c']?.cache).toEqual({
      reported: 2,
      hits: 1,
      hitRatio: 0.5,
      tokenHitRatio: 32 / 100,
      cachedTokens: 32,
    });
    expect(r.cache).toEqual({
      reported: 3,
      hits: 2,
      hitRatio: 2 / 3,
      tokenHitRatio: 48 / 200,
      cachedTokens: 48,
    });
  });

  it('puts requests in one-second buckets by when they were sent and finished', () => {
    const p = report.timeline.points;
    expect(p.map((x) => [x.sent, x.ok, x.errors])).toEqual([
      [2, 2, 0],
      [2, 1, 1],
    ]);
    expect(report.throughput.peakOutputTokensPerS).toBe(10);
  });
});

const meta = (workerId: string, startedAt: number): WorkerMeta => ({
  testRunId: 'test-1',
  workerId,
  shard: { index: 0, count: 1 },
  scenario: 's',
  mode: 'constant',
  target: 'http://127.0.0.1:1',
  startedAt,
  endedAt: startedAt + 60_000,
  requestedRate: 5,
  concurrency: null,
  users: 1,
  stopReason: 'duration',
});

function synthetic(n: number, seed: number): RequestRecord[] {
  let x = seed;
  const rnd = (): number => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  return Array.from({ length: n }, (_, i) => {
    const sentAt = T0 + i * 37 + rnd() * 20;
    const ttft = 20 + rnd() * 400;
    const tokens = 1 + Math.floor(rnd() * 200);
    const ok = rnd() > 0.05;
    return rec({
      sentAt,
      scheduledAt: sentAt - rnd() * 15,
      queueMs: rnd() * 15,
      doneAt: sentAt + ttft + tokens * 10,
      ok,
      errorClass: ok ? null : rnd() > 0.5 ? 'timeout' : 'http_503',
      // Past the samples kept per class: which are kept must not depend on the worker split.
      ...(ok ? {} : { error: `upstream busy (shard ${i % 37})`, status: 503 }),
      ttftMs: ok ? ttft : null,
      e2eMs: ok ? ttft + tokens * 10 : null,
      tpotMs: ok && tokens > 1 ? 10 + rnd() : null,
      itlMs: ok ? [9 + rnd(), 10 + rnd()] : [],
      outputTokens: ok ? tokens : 0,
      promptTokens: 30,
      costUSD: ok ? tokens * 1.3e-7 : 0,
      model: i % 3 === 0 ? 'a' : 'b',
      testType: i % 2 === 0 ? 'x' : 'y',
      ...(i % 7 === 0 ? { attempt: 2 } : {}),
      ...(i % 5 === 0 ? { cachedPromptTokens: i % 10 === 0 ? 16 : 0 } : {}),
    });
  });
}

describe('distributed runs', () => {
  it('merge N workers into exactly the report of one process recording all the requests', () => {
    const all = synthetic(5000, 42);
    const single: SerializedRun = {
      kind: 'llmops-loadtest-run',
      v: 1,
      workers: [meta('w', T0)],
      metrics: metricsOf(all).toJSON(),
      sweep: null,
    };
    const shards = [0, 1, 2, 3].map((k): SerializedRun => {
      const mine = all.filter((_, i) => i % 4 === k);
      const wire = JSON.parse(JSON.stringify(metricsOf(mine).toJSON())) as SerializedRun['metrics'];
      return { kind: 'llmops-loadtest-run', v: 1, workers: [meta(`w${k}`, T0)], metrics: wire, sweep: null };
    });
    expect(resultOf(shards).report).toEqual(resultOf([single]).report);
    expect(resultOf(shards).report.requests.retries).toBe(Math.ceil(5000 / 7));
    expect(resultOf(shards).report.cache).toMatchObject({ reported: 1000, hits: 500, cachedTokens: 8000 });
    const said = resultOf(shards).report.errorSamples['http_503'];
    expect(said?.samples[0]).toMatchObject({ status: 503, message: expect.stringMatching(/^upstream busy/) });
    expect(said?.other).toBeGreaterThan(0);
    // Order of the worker files does not matter.
    expect(resultOf([...shards].reverse()).report).toEqual(resultOf(shards).report);
  });

  it('reads files written before retries were counted as having none', () => {
    const wire = metricsOf(synthetic(50, 3)).toJSON();
    delete wire.counters.retries;
    expect(RunMetrics.fromJSON(wire).retries).toBe(0);
  });

  it('reads files written before error messages were kept as having none', () => {
    const wire = metricsOf(synthetic(50, 3)).toJSON();
    delete wire.errorSamples;
    expect(buildReport(RunMetrics.fromJSON(wire)).errorSamples).toEqual({});
  });

  it('refuses to merge runs of different tests', () => {
    const a: SerializedRun = {
      kind: 'llmops-loadtest-run',
      v: 1,
      workers: [meta('w1', T0)],
      metrics: new RunMetrics().toJSON(),
      sweep: null,
    };
    const b = { ...a, workers: [{ ...meta('w2', T0), testRunId: 'test-2' }] };
    expect(() => resultOf([a, b])).toThrow(/different tests/);
  });

  it('refuses to merge one worker twice (the same file given twice), which would count its requests twice', () => {
    const run = (workerId: string): SerializedRun => ({
      kind: 'llmops-loadtest-run',
      v: 1,
      workers: [meta(workerId, T0)],
      metrics: metricsOf(synthetic(10, 1)).toJSON(),
      sweep: null,
    });
    expect(() => resultOf([run('w1'), run('w2'), run('w1')])).toThrow(/worker w1 .*more than once/);
    expect(resultOf([run('w1'), run('w2')]).report.requests.total).toBe(20);
  });

  it('keeps memory flat: the serialized size does not grow with the request count', () => {
    // The timeline grows with the run's length (one bucket a second, capped), the rest does not.
    const size = (n: number): number => {
      const { timeline, ...rest } = metricsOf(synthetic(n, 1)).toJSON();
      expect(timeline.buckets.length).toBeLessThanOrEqual(3600);
      return JSON.stringify(rest).length;
    };
    expect(size(50_000)).toBeLessThan(size(1000) * 2);
  });
});

describe('sweep steps', () => {
  it('of a distributed run are reported only while every worker ran them, and the SLO is judged on those', () => {
    const slo = { ttftMs: 200 };
    // `n` requests at `rate` req/s (this worker's share), the first `good` of them within the SLO.
    const step = (rate: number, n: number, good: number, start: number) => ({
      requestedRate: rate,
      metrics: metricsOf(
        Array.from({ length: n }, (_, i) =>
          rec({
            sentAt: start + (i * 1000) / rate,
            scheduledAt: start + (i * 1000) / rate,
            ttftMs: i < good ? 100 : 500,
          }),
        ),
        slo,
      ).toJSON(),
    });
    const worker = (id: string, index: number, steps: SerializedRun['sweep']): SerializedRun => ({
      kind: 'llmops-loadtest-run',
      v: 1,
      workers: [{ ...meta(id, T0), shard: { index, count: 2 }, mode: 'sweep', requestedRate: null }],
      metrics: new RunMetrics(slo).toJSON(),
      sweep: steps,
    });
    // The run's rates are 2, 4, 6, 8 req/s, each worker sending half. Worker a's half misses the SLO at the third
    // step (90% good) and a stops there; b's half meets it and b goes on to the fourth step alone.
    const a = worker('a', 0, [
      step(1, 20, 20, T0),
      step(2, 20, 20, T0 + 60_000),
      step(3, 20, 18, T0 + 120_000),
    ]);
    const b = worker('b', 1, [
      step(1, 20, 20, T0),
      step(2, 20, 20, T0 + 60_000),
      step(3, 20, 20, T0 + 120_000),
      step(4, 20, 20, T0 + 180_000),
    ]);
    for (const runs of [
      [a, b],
      [b, a],
    ]) {
      const r = resultOf(runs);
      // The fourth step ran at half the run's rate (b only): reporting it would claim 4 req/s met the SLO after 6.
      expect(r.sweep?.map((x) => x.requestedRate)).toEqual([2, 4, 6]);
      expect(r.sweep?.map((x) => x.meetsSlo)).toEqual([true, true, true]);
      expect(r.sweep?.[2]?.report.goodput.ratio).toBeCloseTo(0.95, 9);
      expect(r.maxRateMeetingSlo).toBe(6);
    }
    // With a at 80% good the merged third step (90%) misses: the highest rate meeting the SLO is the second's.
    const worse = worker('a', 0, [
      step(1, 20, 20, T0),
      step(2, 20, 20, T0 + 60_000),
      step(3, 20, 16, T0 + 120_000),
    ]);
    expect(resultOf([worse, b]).maxRateMeetingSlo).toBe(4);
  });

  it('report throughput at the achieved send rate, not diluted by the wait for the last answers', () => {
    // 20 requests sent 100 ms apart (10 req/s), each answered after 1 s: first send → last answer is 2.9 s.
    const records = Array.from({ length: 20 }, (_, i) =>
      rec({ sentAt: T0 + i * 100, scheduledAt: T0 + i * 100, doneAt: T0 + i * 100 + 1000, outputTokens: 5 }),
    );
    const step = stepReport({ requestedRate: 10, metrics: metricsOf(records).toJSON() });
    expect(step.achievedRate).toBeCloseTo(10, 9);
    expect(step.report.throughput.requestsPerS).toBeCloseTo(10, 9);
    expect(step.report.throughput.goodputPerS).toBeCloseTo(10, 9);
    expect(step.report.throughput.outputTokensPerS).toBeCloseTo(50, 9);
    // The whole-run report keeps AIPerf's definition (first send → last answer).
    expect(buildReport(metricsOf(records)).throughput.requestsPerS).toBeCloseTo(20 / 2.9, 9);
  });
});
