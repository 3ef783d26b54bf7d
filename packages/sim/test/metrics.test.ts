import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamClient } from '@llmops/core';
import type { RunningSimLlm } from '@llmops/sim';
import { startTestSim } from './start-test-sim.js';

let sim: RunningSimLlm;
const client = new UpstreamClient();

beforeAll(async () => {
  sim = await startTestSim({ timeScale: 0.05 });
});
afterAll(async () => {
  await client.close();
  await sim.close();
});

function metricValue(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  if (!line) throw new Error(`no ${name}{${labels}} in /metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe("the simulator's /metrics", () => {
  it("uses vLLM's names and model_name label, and counts what was served", async () => {
    for (let i = 0; i < 3; i++) {
      const m = await client.measure({
        baseUrl: sim.url,
        path: '/v1/chat/completions',
        body: {
          model: 'sim-small',
          stream: true,
          max_tokens: 5,
          ignore_eos: true,
          messages: [{ role: 'user', content: 'count me' }],
        },
      });
      expect(m.ok).toBe(true);
    }
    const text = await (await fetch(`${sim.url}/metrics`)).text();
    const small = 'model_name="sim-small"';
    expect(metricValue(text, 'vllm:generation_tokens_total', small)).toBe(15);
    expect(metricValue(text, 'vllm:prompt_tokens_total', small)).toBeGreaterThan(0);
    expect(metricValue(text, 'vllm:request_success_total', 'finished_reason="length"')).toBe(3);
    expect(metricValue(text, 'vllm:time_to_first_token_seconds_count', small)).toBe(3);
    expect(metricValue(text, 'vllm:e2e_request_latency_seconds_count', small)).toBe(3);
    expect(metricValue(text, 'vllm:time_per_output_token_seconds_count', small)).toBe(3);
    expect(metricValue(text, 'vllm:request_queue_time_seconds_count', small)).toBe(3);
    expect(metricValue(text, 'vllm:num_requests_running', small)).toBe(0);
    expect(metricValue(text, 'vllm:num_requests_waiting', small)).toBe(0);
    expect(text).toMatch(/vllm:gpu_cache_usage_perc\{model_name="sim-small"\} 0/);
    expect(text).toMatch(/vllm:kv_cache_usage_perc\{model_name="llm-prod"\} 0/);
  });

  it('shows running and waiting requests while a batch is busy', async () => {
    const busy = await startTestSim({});
    try {
      // sim-large runs at most 64 sequences at once: 70 long requests leave 6 waiting.
      const inFlight = Array.from({ length: 70 }, () =>
        client.measure({
          baseUrl: busy.url,
          path: '/v1/chat/completions',
          body: {
            model: 'sim-large',
            max_tokens: 40,
            ignore_eos: true,
            messages: [{ role: 'user', content: 'x' }],
          },
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
      const text = await (await fetch(`${busy.url}/metrics`)).text();
      expect(metricValue(text, 'vllm:num_requests_running', 'model_name="sim-large"')).toBe(64);
      expect(metricValue(text, 'vllm:num_requests_waiting', 'model_name="sim-large"')).toBe(6);
      expect(metricValue(text, 'vllm:gpu_cache_usage_perc', 'model_name="sim-large"')).toBeGreaterThan(0);
      const done = await Promise.all(inFlight);
      expect(done.every((m) => m.ok)).toBe(true);
    } finally {
      await busy.close();
    }
  });
});
