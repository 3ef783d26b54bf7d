import { LiteCounter, LiteHistogram, type LiteCounterChild, type LiteHistogramChild } from '@llmops/core';
import { Gauge, Registry } from 'prom-client';

const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
];
const E2E_BUCKETS = [
  0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
];
const TPOT_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
];

/**
 * The simulator's Prometheus metrics under vLLM's own `vllm:` names and `model_name` label, so dashboards and
 * alerts written for vLLM work against the simulator unchanged.
 */
export interface ModelMetrics {
  ttft: LiteHistogramChild;
  e2e: LiteHistogramChild;
  tpot: LiteHistogramChild;
  queueTime: LiteHistogramChild;
  promptTokens: LiteCounterChild;
  generationTokens: LiteCounterChild;
  success: (finishedReason: string) => LiteCounterChild;
  prefixCacheQueries: LiteCounterChild;
  prefixCacheHits: LiteCounterChild;
}

export class SimMetrics {
  readonly registry = new Registry();
  readonly running: Gauge<'model_name'>;
  readonly waiting: Gauge<'model_name'>;
  readonly cacheUsage: Gauge<'model_name'>;
  readonly kvCacheUsage: Gauge<'model_name'>;
  readonly ttft: LiteHistogram<'model_name'>;
  readonly e2e: LiteHistogram<'model_name'>;
  readonly tpot: LiteHistogram<'model_name'>;
  readonly queueTime: LiteHistogram<'model_name'>;
  readonly promptTokens: LiteCounter<'model_name'>;
  readonly generationTokens: LiteCounter<'model_name'>;
  readonly success: LiteCounter<'model_name' | 'finished_reason'>;
  readonly prefixCacheQueries: LiteCounter<'model_name'>;
  readonly prefixCacheHits: LiteCounter<'model_name'>;
  private readonly perModel = new Map<string, ModelMetrics>();

  constructor(
    sample: (model: string) => { running: number; waiting: number; cache: number },
    models: readonly string[],
  ) {
    const r = this.registry;
    const collectGauge = (
      name: string,
      help: string,
      pick: 'running' | 'waiting' | 'cache',
    ): Gauge<'model_name'> =>
      new Gauge({
        name,
        help,
        labelNames: ['model_name'],
        registers: [r],
        collect() {
          for (const m of models) this.set({ model_name: m }, sample(m)[pick]);
        },
      });
    this.running = collectGauge(
      'vllm:num_requests_running',
      'Number of requests in model execution batches.',
      'running',
    );
    this.waiting = collectGauge(
      'vllm:num_requests_waiting',
      'Number of requests waiting to be processed.',
      'waiting',
    );
    this.cacheUsage = collectGauge(
      'vllm:gpu_cache_usage_perc',
      'GPU KV-cache usage. 1 means 100 percent usage.',
      'cache',
    );
    this.kvCacheUsage = collectGauge(
      'vllm:kv_cache_usage_perc',
      'KV-cache usage. 1 means 100 percent usage.',
      'cache',
    );
    const hist = (name: string, help: string, buckets: number[]): LiteHistogram<'model_name'> =>
      new LiteHistogram({ name, help, buckets, labelNames: ['model_name'], registers: [r] });
    this.ttft = hist(
      'vllm:time_to_first_token_seconds',
      'Histogram of time to first token in seconds.',
      TTFT_BUCKETS,
    );
    this.e2e = hist(
      'vllm:e2e_request_latency_seconds',
      'Histogram of end to end request latency in seconds.',
      E2E_BUCKETS,
    );
    this.tpot = hist(
      'vllm:time_per_output_token_seconds',
      'Histogram of time per output token in seconds.',
      TPOT_BUCKETS,
    );
    this.queueTime = hist(
      'vllm:request_queue_time_seconds',
      'Histogram of time spent in WAITING phase for request.',
      E2E_BUCKETS,
    );
    const counter = (name: string, help: string): LiteCounter<'model_name'> =>
      new LiteCounter({ name, help, labelNames: ['model_name'], registers: [r] });
    this.promptTokens = counter('vllm:prompt_tokens_total', 'Number of prefill tokens processed.');
    this.generationTokens = counter('vllm:generation_tokens_total', 'Number of generation tokens processed.');
    this.success = new LiteCounter({
      name: 'vllm:request_success_total',
      help: 'Count of successfully processed requests.',
      labelNames: ['model_name', 'finished_reason'],
      registers: [r],
    });
    // vLLM V1's prefix-cache counters, in tokens: hit rate = hits / queries.
    this.prefixCacheQueries = counter(
      'vllm:prefix_cache_queries_total',
      'Prefix cache queries, in terms of number of queried tokens.',
    );
    this.prefixCacheHits = counter(
      'vllm:prefix_cache_hits_total',
      'Prefix cache hits, in terms of number of cached tokens.',
    );
  }

  /** Label-bound children, created once per model: the request path then only adds numbers. */
  forModel(model: string): ModelMetrics {
    let m = this.perModel.get(model);
    if (!m) {
      const l = { model_name: model };
      const reasons = new Map<string, LiteCounterChild>();
      m = {
        ttft: this.ttft.labels(l),
        e2e: this.e2e.labels(l),
        tpot: this.tpot.labels(l),
        queueTime: this.queueTime.labels(l),
        promptTokens: this.promptTokens.labels(l),
        generationTokens: this.generationTokens.labels(l),
        prefixCacheQueries: this.prefixCacheQueries.labels(l),
        prefixCacheHits: this.prefixCacheHits.labels(l),
        success: (r) => {
          let c = reasons.get(r);
          if (!c) reasons.set(r, (c = this.success.labels({ ...l, finished_reason: r })));
          return c;
        },
      };
      this.perModel.set(model, m);
    }
    return m;
  }
}
