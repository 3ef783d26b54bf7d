import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@llmops/core';
import {
  loadtestRunConfig,
  mergeRunFiles,
  runLoadTest,
  type LoadTestOutcome,
  type RequestRecord,
} from '@llmops/loadtest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../../../test-support/spawn-cli.js';
import { parseExposition, startPushgateway, valueOf } from '../../../test-support/pushgateway.js';

// The simulator runs in its own process, as in production: sharing the generator's event loop would blur the
// timing comparison with its ground truth.
let sim: SpawnedServer;
let dir: string;

beforeAll(async () => {
  sim = await spawnServer(['sim', 'llm', '--host', '127.0.0.1', '--port', '0', '--time-scale', '0.05']);
  dir = mkdtempSync(join(tmpdir(), 'llmops-rates-'));
}, 30_000);

afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(
  flags: Record<string, unknown>,
  signal: AbortSignal = new AbortController().signal,
): Promise<LoadTestOutcome> {
  const cfg = loadConfig(loadtestRunConfig, {
    env: {},
    flags: { progress: false, url: sim.url, model: 'llm-prod', ...flags },
  });
  return runLoadTest(cfg, undefined, {
    out: () => {},
    err: () => {},
    isTTY: false,
    signal,
  });
}

interface TruthTimeline {
  id: string;
  receivedAt: number;
  tokenAt: number[];
  promptTokens: number;
  completionTokens: number;
}

describe('open-loop rates', () => {
  it('sends a constant rate on schedule and reports requested vs achieved', async () => {
    const o = await run({ mode: 'constant', rate: 40, duration: '3000ms', maxTokens: 8 });
    const r = o.result;
    expect(r.requestedRate).toBe(40);
    expect(r.achievedRate).toBeGreaterThan(38);
    expect(r.achievedRate).toBeLessThan(42);
    expect(r.report.requests.total).toBeGreaterThanOrEqual(115);
    expect(r.report.requests.total).toBeLessThanOrEqual(121);
    expect(r.report.latency.queue.p50).toBeLessThan(5);
  }, 30_000);

  it('draws Poisson arrivals at the requested mean rate', async () => {
    const o = await run({ mode: 'poisson', rate: 50, duration: '4000ms', maxTokens: 4, seed: 7 });
    // 200 expected; a Poisson count has σ ≈ 14.
    expect(o.result.report.requests.total).toBeGreaterThan(150);
    expect(o.result.report.requests.total).toBeLessThan(250);
    expect(o.result.mode).toBe('poisson');
  }, 30_000);

  it('starts constant mode at once: 10 req/s for 1 s sends 10, the first at the start, and achieves 10 req/s', async () => {
    const o = await run({ mode: 'constant', rate: 10, duration: '1000ms', maxTokens: 2 });
    const r = o.result.report;
    expect(r.schedule.sent).toBe(10);
    expect(r.requests.total).toBe(10);
    expect((r.firstSentAt ?? Infinity) - o.result.startedAt).toBeLessThan(50);
    expect(o.result.requestedRate).toBe(10);
    expect(o.result.achievedRate).toBeGreaterThan(9.5);
    expect(o.result.achievedRate).toBeLessThan(10.5);
  }, 30_000);

  it('leaves warm-up requests out of the figures and out of maxRequests', async () => {
    const o = await run({ mode: 'constant', rate: 10, duration: '1000ms', warmup: '500ms', maxTokens: 2 });
    const r = o.result.report;
    // 15 sent in all, the first 5 in the warm-up.
    expect(r.requests.total).toBe(10);
    expect(r.schedule.sent).toBe(10);
    expect(o.run.metrics.counters.sendSpan?.first).toBeGreaterThanOrEqual(o.result.startedAt + 500);
    expect(o.result.achievedRate).toBeGreaterThan(9.5);
    expect(o.result.achievedRate).toBeLessThan(10.5);
    const capped = await run({ mode: 'constant', rate: 20, warmup: '500ms', maxRequests: 10, maxTokens: 2 });
    expect(capped.result.stopReason).toBe('maxRequests');
    expect(capped.result.report.requests.total).toBe(10);
    expect(capped.result.report.schedule.sent).toBe(10);
  }, 30_000);

  it('stops right after the request that reaches maxRequests, not at the next slot', async () => {
    // Sends at 0 s and 2 s; the next slot would come at 4 s.
    const t0 = performance.now();
    const o = await run({ mode: 'constant', rate: 0.5, duration: '60s', maxRequests: 2, maxTokens: 2 });
    expect(performance.now() - t0).toBeLessThan(3500);
    expect(o.result.stopReason).toBe('maxRequests');
    expect(o.result.report.requests.total).toBe(2);
  }, 30_000);

  it('returns at once when the run is stopped before its first arrival (Ctrl-C already pressed)', async () => {
    const ac = new AbortController();
    ac.abort();
    const t0 = performance.now();
    // Poisson at 0.05 req/s: the first arrival comes after a random gap of 20 s on average.
    const o = await run({ mode: 'poisson', rate: 0.05, duration: '60s', maxTokens: 2, seed: 1 }, ac.signal);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(o.result.stopReason).toBe('interrupted');
    expect(o.result.report.requests.total).toBe(0);
  }, 30_000);

  it('counts a request that could not go out on time and reports its queueing delay', async () => {
    // One slot for 20 req/s of ~100 ms answers: requests wait for the slot instead of being skipped. The answer
    // length is pinned (80 tokens ≈ 100 ms at this time scale); the simulator's default length made it ~200 ms.
    const o = await run({
      mode: 'constant',
      rate: 20,
      duration: '2000ms',
      maxConcurrent: 1,
      stream: true,
      maxTokens: 80,
    });
    const r = o.result.report;
    expect(r.requests.total).toBeGreaterThanOrEqual(10);
    expect(r.schedule.late).toBeGreaterThan(0);
    expect(r.latency.queue.max).toBeGreaterThan(100);
    // Latency from the scheduled instant includes that wait.
    expect(r.latency.latency.max).toBeGreaterThan(r.latency.e2e.max);
  }, 30_000);
});

describe('interruption', () => {
  it('stops at once on Ctrl-C, cancels the streams in flight and reports what finished, without counting them as errors', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 1500);
    const t0 = Date.now();
    const o = await run(
      { mode: 'concurrency', concurrency: 6, duration: '60s', stream: true, maxTokens: 400 },
      ac.signal,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(o.result.stopReason).toBe('interrupted');
    expect(o.result.report.requests.errors).toBe(0);
    expect(o.result.report.requests.ok).toBeGreaterThan(0);
  }, 30_000);
});

describe('closed loop and sweep', () => {
  it('keeps a fixed number of requests in flight', async () => {
    const o = await run({
      mode: 'concurrency',
      concurrency: 8,
      duration: '2000ms',
      stream: true,
      maxTokens: 16,
    });
    const r = o.result.report;
    expect(r.requests.errors).toBe(0);
    expect(r.requests.total).toBeGreaterThan(8);
    expect(o.result.mode).toBe('concurrency');
    expect(o.result.requestedRate).toBeNull();
  }, 30_000);

  it('shows JSON answers live as E2E latency, not as a TTFT they do not have', async () => {
    const lines: string[] = [];
    const cfg = loadConfig(loadtestRunConfig, {
      env: {},
      flags: { progress: true, url: sim.url, model: 'llm-prod', mode: 'concurrency', concurrency: 2 },
    });
    const o = await runLoadTest({ ...cfg, duration: 1500, maxTokens: 8 }, undefined, {
      out: () => {},
      err: (l) => lines.push(l),
      isTTY: false,
      signal: new AbortController().signal,
    });
    expect(o.result.report.requests.ok).toBeGreaterThan(0);
    const live = lines.filter((l) => l.startsWith('[loadtest]'));
    expect(live.length).toBeGreaterThan(0);
    expect(live.some((l) => /\| E2E p50 \S+ (ms|s) p95 /.test(l))).toBe(true);
    expect(live.join('\n')).not.toMatch(/TTFT p50/);
  }, 30_000);

  it('steps the rate up and reports the highest rate meeting the SLO', async () => {
    const o = await run({
      mode: 'sweep',
      sweepStart: 5,
      sweepEnd: 20,
      sweepSteps: 3,
      sweepStepDuration: '1500ms',
      sloE2e: 60_000,
      maxTokens: 8,
    });
    const s = o.result.sweep ?? [];
    expect(s.map((x) => x.requestedRate)).toEqual([5, 12.5, 20]);
    expect(s.every((x) => x.meetsSlo)).toBe(true);
    expect(o.result.maxRateMeetingSlo).toBe(20);
    for (const step of s) expect(step.achievedRate).toBeGreaterThan(step.requestedRate * 0.85);
  }, 30_000);

  it('stops the sweep at the first step that misses the SLO', async () => {
    const o = await run({
      mode: 'sweep',
      sweepStart: 2,
      sweepEnd: 10,
      sweepSteps: 3,
      sweepStepDuration: '1000ms',
      sloTtft: 0.001,
      stream: true,
      maxTokens: 8,
    });
    expect(o.result.sweep).toHaveLength(1);
    expect(o.result.maxRateMeetingSlo).toBeNull();
  }, 30_000);
});

describe('metrics against the simulator’s ground truth', () => {
  it('matches token counts exactly and TTFT/E2E within a few ms, request by request', async () => {
    const jsonl = join(dir, 'requests.jsonl');
    const o = await run({ mode: 'concurrency', concurrency: 10, maxRequests: 60, stream: true, jsonl });
    const records = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RequestRecord);
    expect(records).toHaveLength(o.result.report.requests.total);
    const dTtft: number[] = [];
    for (const rec of records) {
      const res = await fetch(`${sim.url}/sim/requests/${rec.requestId ?? ''}`);
      expect(res.status, `ground truth of ${rec.requestId}`).toBe(200);
      const t = (await res.json()) as TruthTimeline;
      expect(rec.outputTokens).toBe(t.completionTokens);
      expect(rec.outputTokenSource).toBe('usage');
      expect(rec.promptTokens).toBe(t.promptTokens);
      const first = t.tokenAt[0] ?? NaN;
      dTtft.push(Math.abs((rec.ttftMs ?? NaN) - (first - t.receivedAt)));
      // The pooled ITL has one gap per pair of token chunks.
      expect(rec.itlMs.length).toBe(t.tokenAt.length - 1);
    }
    dTtft.sort((a, b) => a - b);
    const median = dTtft[Math.floor(dTtft.length / 2)] ?? Infinity;
    expect(median).toBeLessThan(3);
    expect(o.result.report.latency.itl.count).toBe(records.reduce((a, r) => a + r.itlMs.length, 0));
  }, 60_000);
});

describe('distributed runs', () => {
  it('two workers of one test run merge into one report covering both', async () => {
    const files = [0, 1].map((i) => join(dir, `worker-${i}.json`));
    const outcomes = await Promise.all(
      files.map((json, i) =>
        run({
          mode: 'constant',
          rate: 20,
          duration: '2000ms',
          workers: 2,
          workerIndex: i,
          testRunId: 'test-distributed-1',
          json,
          maxTokens: 8,
        }),
      ),
    );
    for (const o of outcomes) expect(o.result.requestedRate).toBe(10);
    const merged = await mergeRunFiles(files);
    expect(merged.workers).toHaveLength(2);
    expect(merged.requestedRate).toBe(20);
    const total = outcomes.reduce((a, o) => a + o.result.report.requests.total, 0);
    expect(merged.report.requests.total).toBe(total);
    expect(merged.report.latency.e2e.count).toBe(
      outcomes.reduce((a, o) => a + o.result.report.latency.e2e.count, 0),
    );
    expect(merged.achievedRate).toBeGreaterThan(17);
  }, 30_000);
});

describe('distributed limits', () => {
  it('splits concurrency and maxRequests among the workers, so merged the run sends exactly maxRequests', async () => {
    const files = [0, 1].map((i) => join(dir, `limits-worker-${i}.json`));
    const outcomes = await Promise.all(
      files.map((json, i) =>
        run({
          mode: 'concurrency',
          concurrency: 5,
          maxRequests: 11,
          workers: 2,
          workerIndex: i,
          testRunId: 'test-distributed-limits',
          json,
          maxTokens: 2,
        }),
      ),
    );
    expect(outcomes.map((o) => o.run.workers[0]?.concurrency)).toEqual([3, 2]);
    expect(outcomes.map((o) => o.result.report.requests.total)).toEqual([6, 5]);
    const merged = await mergeRunFiles(files);
    expect(merged.report.requests.total).toBe(11);
    expect(merged.stopReason).toBe('maxRequests');
  }, 30_000);
});

describe('Pushgateway export of a run', () => {
  it('pushes the seed’s loadtest_* metrics during the run and a final push matching the result', async () => {
    const pgw = await startPushgateway();
    try {
      const o = await run({
        mode: 'constant',
        rate: 20,
        duration: '1500ms',
        maxTokens: 8,
        pushgateway: pgw.url,
        pushInterval: '200ms',
        testRunId: 'test-push-1',
      });
      const text = await (await fetch(`${pgw.url}/metrics`)).text();
      const samples = parseExposition(text);
      const group = { job: 'loadtest_worker', test_run_id: 'test-push-1', worker_id: o.plan.workerId };
      expect(valueOf(samples, 'loadtest_worker_status', group)).toBe(3);
      expect(
        valueOf(samples, 'loadtest_requests_total', { ...group, model: 'llm-prod', success: 'true' }),
      ).toBe(o.result.report.requests.ok);
      expect(
        valueOf(samples, 'loadtest_request_latency_seconds_count', { ...group, model: 'llm-prod' }),
      ).toBe(o.result.report.latency.e2e.count);
    } finally {
      await pgw.stop();
    }
  }, 30_000);

  it("pushes to the scenario's spec.metrics.pushgatewayUrl when no flag names one", async () => {
    const pgw = await startPushgateway();
    try {
      const file = join(dir, 'push-from-scenario.yaml');
      writeFileSync(
        file,
        [
          'apiVersion: loadtest.ai-aas.dev/v1',
          'kind: LoadTestScenario',
          'metadata: { name: push-from-scenario, testRunId: test-push-scenario }',
          'spec:',
          '  organizations: { count: 1 }',
          '  users: { perOrg: { min: 2, max: 2 } }',
          '  userBehavior: { thinkTimeSeconds: { base: 0, variance: 0 }, questionsPerSession: { min: 3, max: 3 } }',
          `  targets: { apiRouterUrl: "${sim.url}", bootstrapApi: none }`,
          `  metrics: { pushgatewayUrl: "${pgw.url}", exportInterval: 200ms }`,
          '  testTypes: [{ name: chat, weight: 100, modelTargeting: { slmModels: [llm-prod] } }]',
        ].join('\n'),
      );
      const cfg = loadConfig(loadtestRunConfig, { env: {}, flags: { progress: false, maxTokens: 4 } });
      const o = await runLoadTest(cfg, file, {
        out: () => {},
        err: () => {},
        isTTY: false,
        signal: new AbortController().signal,
      });
      const samples = parseExposition(await (await fetch(`${pgw.url}/metrics`)).text());
      const group = { job: 'loadtest_worker', test_run_id: 'test-push-scenario', worker_id: o.plan.workerId };
      expect(valueOf(samples, 'loadtest_worker_status', group)).toBe(3);
      expect(
        valueOf(samples, 'loadtest_requests_total', { ...group, model: 'llm-prod', success: 'true' }),
      ).toBe(6);
    } finally {
      await pgw.stop();
    }
  }, 30_000);
});
