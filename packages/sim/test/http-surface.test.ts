import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimLlm } from '@llmops/sim';
import { openaiClientFor, startTestSim } from './start-test-sim.js';

let sim: RunningSimLlm;
let client: OpenAI;

beforeAll(async () => {
  sim = await startTestSim({ zeroDelay: true });
  client = openaiClientFor(sim);
});
afterAll(() => sim.close());

async function call(
  method: string,
  path: string,
): Promise<{ status: number; allow: string | null; body: unknown }> {
  const r = await fetch(`${sim.url}${path}`, { method });
  return { status: r.status, allow: r.headers.get('allow'), body: await r.json() };
}

describe('routes and methods', () => {
  it('answers 405 with Allow, in the OpenAI envelope, for a known path with the wrong method', async () => {
    for (const [method, path, allow] of [
      ['GET', '/v1/chat/completions', 'POST'],
      ['GET', '/v1/completions', 'POST'],
      ['GET', '/v1/embeddings', 'POST'],
      ['POST', '/v1/models', 'GET'],
      ['DELETE', '/health', 'GET'],
    ] as const) {
      const r = await call(method, path);
      expect({ method, path, status: r.status }).toEqual({ method, path, status: 405 });
      expect(r.allow).toContain(allow);
      expect(r.body).toMatchObject({ error: { code: 'method_not_allowed' } });
    }
  });

  it('answers 404 for a path it does not serve, whatever the method', async () => {
    expect((await call('GET', '/v1/nope')).status).toBe(404);
    expect((await call('POST', '/v1/nope')).status).toBe(404);
  });
});

describe('legacy completions', () => {
  it('refuses suffix with a 400 naming it, as vLLM does', async () => {
    const err = await client.completions
      .create({ model: 'sim-small', prompt: 'def f(', suffix: 'return x', max_tokens: 3 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('suffix');
  });

  it('echo puts the prompt before the answer, whole and streamed', async () => {
    const r = await client.completions.create({
      model: 'sim-small',
      prompt: 'Once upon a time',
      max_tokens: 4,
      echo: true,
      seed: 3,
    });
    const plain = await client.completions.create({
      model: 'sim-small',
      prompt: 'Once upon a time',
      max_tokens: 4,
      seed: 3,
    });
    expect(r.choices[0]?.text).toBe(`Once upon a time${plain.choices[0]?.text}`);
    // The prompt is echoed, not generated: usage is the same.
    expect(r.usage?.completion_tokens).toBe(plain.usage?.completion_tokens);
    const s = await client.completions.create({
      model: 'sim-small',
      prompt: ['first', 'second'],
      max_tokens: 3,
      echo: true,
      stream: true,
    });
    const texts = ['', ''];
    for await (const c of s) for (const ch of c.choices) texts[ch.index] += ch.text;
    expect(texts[0]?.startsWith('first')).toBe(true);
    expect(texts[1]?.startsWith('second')).toBe(true);
    expect(texts[1]?.length).toBeGreaterThan('second'.length);
  });
});

describe('stream usage', () => {
  it('continuous_usage_stats without include_usage adds no usage, as vLLM (it needs include_usage)', async () => {
    const s = await client.chat.completions.create({
      model: 'sim-small',
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 3,
      stream: true,
      stream_options: { continuous_usage_stats: true } as OpenAI.ChatCompletionStreamOptions,
    });
    for await (const c of s) expect(c.usage ?? null).toBeNull();
  });
});
