import { describe, expect, it } from 'vitest';
import { MAX_MODEL_LABEL_LENGTH, MAX_MODEL_LABELS, OTHER_MODEL, ProxyMetrics } from './proxy-metrics.js';

const request = (model: string, status = 200) => ({
  project: 'p1',
  model,
  status,
  upstreamSeconds: 0.02,
  ttftSeconds: null,
  overheadSeconds: 0.0001,
  promptTokens: 3,
  completionTokens: 5,
});

/** Every distinct value of a label in the exposition of one metric. */
function labelValues(text: string, metric: string, label: string): Set<string> {
  const re = new RegExp(`^${metric}\\{[^}]*${label}="([^"]*)"`, 'gm');
  return new Set([...text.matchAll(re)].map((m) => m[1] as string));
}

describe('gateway metrics', () => {
  it('counts requests by project, model and status class, with tokens and latency', async () => {
    const m = new ProxyMetrics();
    m.observe(request('a'));
    m.observe(request('a', 503));
    m.observe(request('b', 0));
    const text = await m.registry.metrics();
    expect(text).toContain('llmops_proxy_requests_total{project="p1",model="a",status_class="2xx"} 1');
    expect(text).toContain('llmops_proxy_requests_total{project="p1",model="a",status_class="5xx"} 1');
    expect(text).toContain('llmops_proxy_requests_total{project="p1",model="b",status_class="aborted"} 1');
    expect(text).toContain('llmops_proxy_tokens_total{project="p1",model="a",type="completion"} 10');
    expect(text).toContain('llmops_proxy_upstream_latency_seconds_count{model="a"} 2');
    expect(text).toContain('llm_proxy_requests_total 3');
    expect(text).toContain('llm_proxy_errors_total 2');
    expect(m.json()).toMatchObject({ request_count: 3, error_count: 2 });
  });

  it(`keeps at most ${MAX_MODEL_LABELS} model names from clients and counts the rest under ${OTHER_MODEL}`, async () => {
    const m = new ProxyMetrics();
    const extra = 50;
    for (let i = 0; i < MAX_MODEL_LABELS + extra; i++) m.observe(request(`model-${i}`));
    m.observe(request('model-0')); // a name seen early keeps its own series
    const text = await m.registry.metrics();
    const models = labelValues(text, 'llmops_proxy_requests_total', 'model');
    expect(models.size).toBe(MAX_MODEL_LABELS + 1);
    expect(models.has(OTHER_MODEL)).toBe(true);
    expect(models.has(`model-${MAX_MODEL_LABELS}`)).toBe(false);
    expect(text).toContain(
      `llmops_proxy_requests_total{project="p1",model="${OTHER_MODEL}",status_class="2xx"} ${extra}`,
    );
    expect(text).toContain('llmops_proxy_requests_total{project="p1",model="model-0",status_class="2xx"} 2');
    expect(labelValues(text, 'llmops_proxy_upstream_latency_seconds_count', 'model').size).toBe(
      MAX_MODEL_LABELS + 1,
    );
  });

  it(`counts a model name longer than ${MAX_MODEL_LABEL_LENGTH} characters under ${OTHER_MODEL}`, async () => {
    // The name is the client's: 256 names of a megabyte each would be kept and printed on every scrape.
    const m = new ProxyMetrics();
    const long = 'm'.repeat(MAX_MODEL_LABEL_LENGTH + 1);
    m.observe(request(long));
    m.observe(request('m'.repeat(MAX_MODEL_LABEL_LENGTH)));
    const text = await m.registry.metrics();
    expect(text).not.toContain(long);
    expect(text).toContain(
      `llmops_proxy_requests_total{project="p1",model="${OTHER_MODEL}",status_class="2xx"} 1`,
    );
    expect(labelValues(text, 'llmops_proxy_requests_total', 'model').size).toBe(2);
  });
});
