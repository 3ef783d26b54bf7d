import { LiteCounter, LiteHistogram, type LiteCounterChild, type LiteHistogramChild } from '@llmops/core';
import { Gauge, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160];
/**
 * Distinct `model` label values kept. The model name comes from the client's request body, so without a bound a
 * client cycling through names would grow every labelled series (memory and scrape size) without end; later
 * names are counted under {@link OTHER_MODEL}.
 */
export const MAX_MODEL_LABELS = 256;
/** Longest model name kept as a label value (the longest real ones, HF repo ids, are ~100); longer ones are other. */
export const MAX_MODEL_LABEL_LENGTH = 200;
export const OTHER_MODEL = '__other__';
const OVERHEAD_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05];

/** The label-bound children one project×model pair uses, found once. */
interface Children {
  requests: Map<StatusClass, LiteCounterChild>;
  upstreamLatency: LiteHistogramChild;
  ttft: LiteHistogramChild;
  promptTokens: LiteCounterChild;
  completionTokens: LiteCounterChild;
  cachedTokens: LiteCounterChild;
}

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'aborted';

export function statusClass(status: number): StatusClass {
  if (status === 0) return 'aborted';
  return `${Math.min(5, Math.max(2, Math.floor(status / 100)))}xx` as StatusClass;
}

/**
 * The gateway's Prometheus metrics (`llmops_proxy_*`, labelled by project id, model and status class) plus the
 * original's unlabelled `llm_proxy_*` counters, so its dashboards keep working.
 */
export class ProxyMetrics {
  readonly registry = new Registry();
  readonly startedAt = Date.now();
  requestCount = 0;
  errorCount = 0;
  private readonly requests: LiteCounter<'project' | 'model' | 'status_class'>;
  private readonly upstreamLatency: LiteHistogram<'model'>;
  private readonly ttft: LiteHistogram<'model'>;
  private readonly overhead: LiteHistogram;
  private readonly tokens: LiteCounter<'project' | 'model' | 'type'>;
  private readonly legacyRequests: LiteCounter;
  private readonly legacyErrors: LiteCounter;
  /** Label-bound children per project×model: the request path then only adds numbers. */
  private readonly children = new Map<string, Children>();
  private readonly models = new Set<string>();
  /** Requests the gateway holds now (set by the request path with {@link countInFlight}). */
  private inFlight: () => number = () => 0;

  constructor() {
    const registers = [this.registry];
    this.requests = new LiteCounter({
      name: 'llmops_proxy_requests_total',
      help: 'Requests through the gateway.',
      labelNames: ['project', 'model', 'status_class'],
      registers,
    });
    this.upstreamLatency = new LiteHistogram({
      name: 'llmops_proxy_upstream_latency_seconds',
      help: 'Upstream request sent → last byte.',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.ttft = new LiteHistogram({
      name: 'llmops_proxy_ttft_seconds',
      help: 'Upstream request sent → first token (streams).',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.overhead = new LiteHistogram({
      name: 'llmops_proxy_overhead_seconds',
      help: 'Time spent in the gateway itself: request received → upstream request sent.',
      buckets: OVERHEAD_BUCKETS,
      registers,
    });
    this.tokens = new LiteCounter({
      name: 'llmops_proxy_tokens_total',
      help: 'Tokens reported by upstream usage, by type: prompt, completion, cached_prompt (prefix-cache hits, part of prompt).',
      labelNames: ['project', 'model', 'type'],
      registers,
    });
    this.legacyRequests = new LiteCounter({
      name: 'llm_proxy_requests_total',
      help: 'Requests proxied (compatible with llm-proxy).',
      registers,
    });
    this.legacyErrors = new LiteCounter({
      name: 'llm_proxy_errors_total',
      help: 'Requests answered with an error status (compatible with llm-proxy).',
      registers,
    });
    const inFlight = (): number => this.inFlight();
    new Gauge({
      name: 'llmops_proxy_requests_in_flight',
      help: 'Requests the gateway holds now: received and not yet answered and recorded.',
      registers,
      collect() {
        this.set(inFlight());
      },
    });
    const startedAt = this.startedAt;
    new Gauge({
      name: 'llm_proxy_uptime_seconds',
      help: 'Seconds since start.',
      registers,
      collect() {
        this.set((Date.now() - startedAt) / 1000);
      },
    });
  }

  /** Where the in-flight gauge reads its value (the request path's own count). */
  countInFlight(read: () => number): void {
    this.inFlight = read;
  }

  observe(r: {
    project: string;
    model: string;
    status: number;
    upstreamSeconds: number | null;
    ttftSeconds: number | null;
    overheadSeconds: number;
    promptTokens: number | null;
    completionTokens: number | null;
    /** Prompt tokens upstream served from its prefix cache (counted in the prompt tokens too). */
    cachedTokens?: number | null;
  }): void {
    this.requestCount++;
    this.legacyRequests.inc();
    if (r.status === 0 || r.status >= 400) {
      this.errorCount++;
      this.legacyErrors.inc();
    }
    const model = this.modelLabel(r.model);
    const c = this.childrenOf(r.project, model);
    const cls = statusClass(r.status);
    let requests = c.requests.get(cls);
    if (requests === undefined) {
      requests = this.requests.labels({ project: r.project, model, status_class: cls });
      c.requests.set(cls, requests);
    }
    requests.inc();
    if (r.upstreamSeconds !== null) c.upstreamLatency.observe(r.upstreamSeconds);
    if (r.ttftSeconds !== null) c.ttft.observe(r.ttftSeconds);
    this.overhead.observe(r.overheadSeconds);
    if (r.promptTokens !== null) c.promptTokens.inc(r.promptTokens);
    if (r.completionTokens !== null) c.completionTokens.inc(r.completionTokens);
    if (r.cachedTokens != null) c.cachedTokens.inc(r.cachedTokens);
  }

  private modelLabel(model: string): string {
    if (this.models.has(model)) return model;
    if (this.models.size >= MAX_MODEL_LABELS || model.length > MAX_MODEL_LABEL_LENGTH) return OTHER_MODEL;
    this.models.add(model);
    return model;
  }

  private childrenOf(project: string, model: string): Children {
    const key = `${project}\u0000${model}`;
    let c = this.children.get(key);
    if (c === undefined) {
      c = {
        requests: new Map(),
        upstreamLatency: this.upstreamLatency.labels({ model }),
        ttft: this.ttft.labels({ model }),
        promptTokens: this.tokens.labels({ project, model, type: 'prompt' }),
        completionTokens: this.tokens.labels({ project, model, type: 'completion' }),
        cachedTokens: this.tokens.labels({ project, model, type: 'cached_prompt' }),
      };
      this.children.set(key, c);
    }
    return c;
  }

  /** The original's JSON /metrics. */
  json(): Record<string, number> {
    return {
      uptime_seconds: (Date.now() - this.startedAt) / 1000,
      request_count: this.requestCount,
      error_count: this.errorCount,
      cache_hits: 0,
      cache_misses: 0,
      cache_bypass: 0,
      cache_stores: 0,
    };
  }
}
