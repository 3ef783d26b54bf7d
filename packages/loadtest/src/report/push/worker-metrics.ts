import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestRecord } from '../../metrics/request-record.js';
import type { RunResult } from '../../metrics/run-result.js';
import { WORKER_PHASE_CODE, type LiveStatus, type WorkerPhase } from '../reporter.js';

/** The seed worker's histogram buckets, kept so dashboards built for it still work. */
export const LATENCY_BUCKETS_S: readonly number[] = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
export const TTFT_BUCKETS_MS: readonly number[] = [
  50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000,
];
export const TOKENS_PER_S_BUCKETS: readonly number[] = [1, 5, 10, 20, 30, 40, 50, 75, 100, 150, 200];

/** The children of one model's series, looked up once so that recording a request does not re-validate labels. */
interface ModelSeries {
  ok: Counter.Internal;
  failed: Counter.Internal;
  latency: Histogram.Internal<'model'>;
  ttft: Histogram.Internal<'model'>;
  tokensPerS: Histogram.Internal<'model'>;
  promptTokens: Counter.Internal;
  completionTokens: Counter.Internal;
  totalTokens: Counter.Internal;
  cost: Counter.Internal;
}

/**
 * One worker's metrics in the seed worker's names (load-test contract §3), in a registry of its own. Unlike the
 * seed there are no `user_id`/`org_id` labels (one series per simulated user does not scale to 1000 users), and
 * `test_run_id`/`worker_id` are not metric labels either: they are the Pushgateway grouping key, which the
 * gateway adds to every series.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly status = this.gauge(
    'loadtest_worker_status',
    'Worker phase: 0 init, 1 bootstrapping, 2 running, 3 complete, 4 error',
  );
  private readonly usersActive = this.gauge(
    'loadtest_worker_users_active',
    'Simulated users currently active on this worker',
  );
  private readonly requests = new Counter({
    name: 'loadtest_requests_total',
    help: 'Finished requests by model and outcome',
    labelNames: ['model', 'success'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'loadtest_request_latency_seconds',
    help: 'Send to complete answer of successful requests, seconds',
    labelNames: ['model'] as const,
    buckets: [...LATENCY_BUCKETS_S],
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'loadtest_tokens_total',
    help: 'Tokens of finished requests by model and token_type (prompt, completion, total)',
    labelNames: ['model', 'token_type'] as const,
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: 'loadtest_cost_usd',
    help: 'Cost of finished requests from the price table, USD',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'loadtest_errors_total',
    help: 'Failed requests by error class',
    labelNames: ['error_type'] as const,
    registers: [this.registry],
  });
  private readonly ttft = new Histogram({
    name: 'loadtest_llm_time_to_first_token_milliseconds',
    help: 'Time to first token of successful streamed requests, ms',
    labelNames: ['model'] as const,
    buckets: [...TTFT_BUCKETS_MS],
    registers: [this.registry],
  });
  private readonly tokensPerS = new Histogram({
    name: 'loadtest_llm_tokens_per_second',
    help: 'Decode rate of successful requests (1000 / TPOT: output tokens after the first, TTFT excluded), tokens/s',
    labelNames: ['model'] as const,
    buckets: [...TOKENS_PER_S_BUCKETS],
    registers: [this.registry],
  });
  // The seed spec's cache metrics, per test type (not per user): from usage.prompt_tokens_details.cached_tokens.
  private readonly cacheHits = new Counter({
    name: 'loadtest_user_cache_hits_total',
    help: 'Requests whose prompt was partly served from the server prefix cache, by test type',
    labelNames: ['test_type'] as const,
    registers: [this.registry],
  });
  private readonly cacheMisses = new Counter({
    name: 'loadtest_user_cache_misses_total',
    help: 'Requests that reported no cached prompt tokens, by test type',
    labelNames: ['test_type'] as const,
    registers: [this.registry],
  });
  private readonly cacheHitRatio = new Gauge({
    name: 'loadtest_user_cache_hit_ratio',
    help: 'Cache hits / requests reporting cached tokens, by test type, 0-1',
    labelNames: ['test_type'] as const,
    registers: [this.registry],
  });
  private readonly cacheCounts = new Map<string, { hits: number; misses: number }>();
  private readonly runRate = this.gauge('loadtest_run_requests_per_second', 'Requests sent per second');
  private readonly runErrorRate = this.gauge('loadtest_run_error_rate', 'Failed / finished requests, 0-1');
  private readonly runUsers = this.gauge('loadtest_run_active_users', 'Simulated users currently active');
  private readonly runCost = this.gauge('loadtest_run_cost_total_usd', 'Cost of the run so far, USD');
  private readonly runDuration = this.gauge(
    'loadtest_run_duration_seconds',
    'Time since the run started, seconds',
  );
  private readonly runTokens = this.gauge(
    'loadtest_run_tokens_total',
    'Prompt plus completion tokens so far',
  );
  private readonly byModel = new Map<string, ModelSeries>();
  /** Prompt + completion tokens recorded; the run gauge takes it at push time, until the final result sets it. */
  private tokenSum = 0;
  private final = false;

  constructor() {
    this.setPhase('init');
  }

  private gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }

  private series(model: string): ModelSeries {
    let s = this.byModel.get(model);
    if (!s) {
      s = {
        ok: this.requests.labels(model, 'true'),
        failed: this.requests.labels(model, 'false'),
        latency: this.latency.labels(model),
        ttft: this.ttft.labels(model),
        tokensPerS: this.tokensPerS.labels(model),
        promptTokens: this.tokens.labels(model, 'prompt'),
        completionTokens: this.tokens.labels(model, 'completion'),
        totalTokens: this.tokens.labels(model, 'total'),
        cost: this.cost.labels(model),
      };
      this.byModel.set(model, s);
    }
    return s;
  }

  /**
   * Counts one finished request. Tokens and cost count for failed requests too (a broken stream was still paid
   * for); latency, TTFT and decode rate only for successes, as in {@link RunMetrics}. The seed's tokens/s divided
   * all tokens by the total latency, mixing prefill into the decode rate; this is 1000 / TPOT instead.
   */
  record(r: RequestRecord): void {
    const s = this.series(r.model);
    if (r.ok) {
      s.ok.inc();
      if (r.e2eMs !== null) s.latency.observe(r.e2eMs / 1000);
      if (r.streamed && r.ttftMs !== null) s.ttft.observe(r.ttftMs);
      if (r.tpotMs !== null && r.tpotMs > 0) s.tokensPerS.observe(1000 / r.tpotMs);
    } else {
      s.failed.inc();
      this.errors.inc({ error_type: r.errorClass ?? 'unknown' });
    }
    if (r.promptTokens > 0) s.promptTokens.inc(r.promptTokens);
    if (r.outputTokens > 0) s.completionTokens.inc(r.outputTokens);
    const total = r.promptTokens + r.outputTokens;
    if (total > 0) s.totalTokens.inc(total);
    if (r.costUSD !== null && r.costUSD > 0) s.cost.inc(r.costUSD);
    this.tokenSum += total;
    if (r.cachedPromptTokens !== undefined) this.recordCache(r.testType, r.cachedPromptTokens > 0);
  }

  private recordCache(testType: string, hit: boolean): void {
    let c = this.cacheCounts.get(testType);
    if (!c) this.cacheCounts.set(testType, (c = { hits: 0, misses: 0 }));
    if (hit) {
      c.hits++;
      this.cacheHits.inc({ test_type: testType });
    } else {
      c.misses++;
      this.cacheMisses.inc({ test_type: testType });
    }
    this.cacheHitRatio.set({ test_type: testType }, c.hits / (c.hits + c.misses));
  }

  setPhase(phase: WorkerPhase): void {
    this.status.set(WORKER_PHASE_CODE[phase]);
  }

  /** The run-level gauges from a live snapshot. */
  setLive(st: LiveStatus): void {
    this.setPhase(st.phase);
    this.usersActive.set(st.usersActive);
    this.runUsers.set(st.usersActive);
    this.runRate.set(st.currentRate);
    const finished = st.ok + st.errors;
    this.runErrorRate.set(finished === 0 ? 0 : st.errors / finished);
    this.runCost.set(st.costUSD);
    this.runDuration.set(st.elapsedS);
  }

  /** The run-level gauges from the final result: whole-run rates instead of the last window's. */
  setFinal(result: RunResult, st: LiveStatus, phase: WorkerPhase): void {
    this.setLive(st);
    this.setPhase(phase);
    const r = result.report;
    this.runRate.set(result.achievedRate);
    this.runErrorRate.set(r.errorRate);
    this.runCost.set(r.cost.usd);
    this.runDuration.set(Math.max(0, result.endedAt - result.startedAt) / 1000);
    this.runTokens.set(r.tokens.prompt + r.tokens.output);
    this.final = true;
  }

  /** Text exposition format 0.0.4, as PUT to the Pushgateway. */
  exposition(): Promise<string> {
    if (!this.final) this.runTokens.set(this.tokenSum);
    return this.registry.metrics();
  }
}
