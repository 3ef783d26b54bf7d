import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimLlm } from '@llmops/sim';
import { startTestSim } from './start-test-sim.js';

let sim: RunningSimLlm;
let off: RunningSimLlm;

beforeAll(async () => {
  [sim, off] = await Promise.all([
    startTestSim({ zeroDelay: true }),
    startTestSim({ zeroDelay: true, prefixCaching: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([sim.close(), off.close()]);
});

const client = (s: RunningSimLlm) => new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'unused', maxRetries: 0 });
const document =
  'The quarterly report covers revenue, costs, hiring and the product roadmap in detail. '.repeat(12);

type CachedUsage = { prompt_tokens_details?: { cached_tokens?: number } | null };

describe('prefix caching (vLLM automatic prefix caching)', () => {
  it('reports cached prompt tokens for a repeated prompt, streamed or not, and counts them in /metrics', async () => {
    const ask = {
      model: 'sim-small',
      max_tokens: 4,
      messages: [{ role: 'user' as const, content: document }],
    };
    const first = await client(sim).chat.completions.create(ask);
    expect((first.usage as CachedUsage).prompt_tokens_details?.cached_tokens).toBe(0);
    const second = await client(sim).chat.completions.create(ask);
    const cached = (second.usage as CachedUsage).prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThan(0.8 * (second.usage?.prompt_tokens ?? 0));
    expect(cached).toBeLessThan(second.usage?.prompt_tokens ?? 0);
    const stream = await client(sim).chat.completions.create({
      ...ask,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: CachedUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage as CachedUsage;
    expect(usage?.prompt_tokens_details?.cached_tokens).toBe(cached);
    const text = await (await fetch(`${sim.url}/metrics`)).text();
    const value = (name: string): number =>
      Number(
        /\s(\S+)$/.exec(
          text.split('\n').find((l) => l.startsWith(`${name}{model_name="sim-small"}`)) ?? '',
        )?.[1],
      );
    expect(value('vllm:prefix_cache_hits_total')).toBe(2 * cached);
    expect(value('vllm:prefix_cache_queries_total')).toBe(3 * (second.usage?.prompt_tokens ?? 0));
  });

  it('keeps tenants apart by cache_salt', async () => {
    const ask = (salt: string) => ({
      model: 'sim-small',
      max_tokens: 4,
      messages: [{ role: 'user' as const, content: `${document} (salted)` }],
      cache_salt: salt,
    });
    await client(sim).chat.completions.create(ask('a'));
    const other = await client(sim).chat.completions.create(ask('b'));
    expect((other.usage as CachedUsage).prompt_tokens_details?.cached_tokens).toBe(0);
    const same = await client(sim).chat.completions.create(ask('a'));
    expect((same.usage as CachedUsage).prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);
  });

  it('skips the prefill of cached tokens: a repeated long prompt gets its first token sooner', async () => {
    // Real time: sim-large takes 120 ms + 0.25 ms per uncached prompt token to its first token.
    const slow = await startTestSim({});
    try {
      const long = 'Summarise the attached contract clause by clause, noting every obligation. '.repeat(20);
      const timeToFirstToken = async (): Promise<number> => {
        const t0 = performance.now();
        const stream = await client(slow).chat.completions.create({
          model: 'sim-large',
          max_tokens: 2,
          stream: true,
          messages: [{ role: 'user', content: long }],
        });
        let first = 0;
        for await (const chunk of stream)
          if (!first && chunk.choices[0]?.delta.content) first = performance.now() - t0;
        return first;
      };
      // ~380 prompt tokens: ~215 ms cold, ~125 ms once all but the last block are cached.
      const cold = await timeToFirstToken();
      const warm = await timeToFirstToken();
      expect(cold).toBeGreaterThan(190);
      expect(warm).toBeLessThan(cold - 60);
    } finally {
      await slow.close();
    }
  });

  it('can be turned off: no prompt_tokens_details at all, as vLLM without it', async () => {
    const ask = {
      model: 'sim-small',
      max_tokens: 4,
      messages: [{ role: 'user' as const, content: document }],
    };
    await client(off).chat.completions.create(ask);
    const again = await client(off).chat.completions.create(ask);
    expect((again.usage as CachedUsage).prompt_tokens_details).toBeUndefined();
  });
});
