import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimLlm } from '@llmops/sim';
import { openaiClientFor, startTestSim } from './start-test-sim.js';

let sim: RunningSimLlm;
let client: OpenAI;

beforeAll(async () => {
  sim = await startTestSim({ timeScale: 0.05 });
  client = openaiClientFor(sim);
});
afterAll(() => sim.close());

const user = (content: string) => [{ role: 'user' as const, content }];

describe('the simulator through the official openai client', () => {
  it('lists its models', async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining(['llm-prod', 'sim-small', 'sim-large', 'sim-reasoner', 'sim-embed']),
    );
  });

  it('answers a chat completion with consistent usage', async () => {
    const r = await client.chat.completions.create({
      model: 'sim-small',
      messages: user('Hello there'),
      max_tokens: 20,
    });
    expect(r.object).toBe('chat.completion');
    expect(r.id).toMatch(/^chatcmpl-/);
    const content = r.choices[0]?.message.content ?? '';
    expect(content.length).toBeGreaterThan(0);
    expect(r.usage?.completion_tokens).toBeGreaterThan(0);
    expect(r.usage?.completion_tokens).toBeLessThanOrEqual(20);
    expect(r.usage?.total_tokens).toBe((r.usage?.prompt_tokens ?? 0) + (r.usage?.completion_tokens ?? 0));
  });

  it('streams a chat completion chunk by chunk, with the usage chunk last', async () => {
    const stream = await client.chat.completions.create({
      model: 'sim-small',
      messages: user('Stream please'),
      max_tokens: 12,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let tokenChunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const c = chunk.choices[0];
      if (c?.delta.content) {
        text += c.delta.content;
        tokenChunks++;
      }
      if (c?.finish_reason) finish = c.finish_reason;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBe(tokenChunks);
    expect(finish === 'stop' || finish === 'length').toBe(true);
  });

  it('produces exactly max_tokens with ignore_eos and reports finish_reason length', async () => {
    const r = await client.chat.completions.create({
      model: 'sim-small',
      messages: user('x'),
      max_tokens: 7,
      // vLLM's extension, passed through the SDK untouched.
      ...({ ignore_eos: true } as object),
    });
    expect(r.usage?.completion_tokens).toBe(7);
    expect(r.choices[0]?.finish_reason).toBe('length');
  });

  it('gives n choices', async () => {
    const r = await client.chat.completions.create({
      model: 'sim-small',
      messages: user('two please'),
      n: 2,
      max_tokens: 5,
    });
    expect(r.choices.map((c) => c.index)).toEqual([0, 1]);
  });

  it('honours stop sequences (the stop text is not included)', async () => {
    const full = await client.chat.completions.create({
      model: 'sim-small',
      messages: user('s'),
      max_tokens: 40,
      seed: 42,
    });
    const text = full.choices[0]?.message.content ?? '';
    const words = text.trim().split(' ');
    const stopWord = words[3] as string;
    const cut = await client.chat.completions.create({
      model: 'sim-small',
      messages: user('s'),
      max_tokens: 40,
      seed: 42,
      stop: [` ${stopWord}`],
    });
    expect(cut.choices[0]?.message.content).toBe(text.slice(0, text.indexOf(` ${stopWord}`)));
    expect(cut.choices[0]?.finish_reason).toBe('stop');
  });

  it('is deterministic for a request seed', async () => {
    const a = await client.chat.completions.create({ model: 'sim-small', messages: user('d'), seed: 7 });
    const b = await client.chat.completions.create({ model: 'sim-small', messages: user('d'), seed: 7 });
    expect(a.choices[0]?.message.content).toBe(b.choices[0]?.message.content);
  });

  it('sends reasoning_content before the content for a reasoning model', async () => {
    const r = await client.chat.completions.create({
      model: 'sim-reasoner',
      messages: user('think'),
      max_tokens: 50,
      ...({ ignore_eos: true } as object),
    });
    const msg = r.choices[0]?.message as unknown as { reasoning_content?: string; content: string };
    expect(msg.reasoning_content?.length).toBeGreaterThan(0);
    expect(msg.content.length).toBeGreaterThan(0);
    expect(
      (r.usage as unknown as { completion_tokens_details?: { reasoning_tokens: number } })
        .completion_tokens_details?.reasoning_tokens,
    ).toBe(20);
  });

  it('answers legacy completions, streamed and not', async () => {
    const r = await client.completions.create({ model: 'sim-small', prompt: 'Once upon', max_tokens: 6 });
    expect(r.object).toBe('text_completion');
    expect(r.choices[0]?.text.length).toBeGreaterThan(0);
    const s = await client.completions.create({
      model: 'sim-small',
      prompt: 'Once upon',
      max_tokens: 6,
      stream: true,
    });
    let n = 0;
    for await (const c of s) if (c.choices[0]?.text) n++;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(6);
  });

  it('returns deterministic unit-length embeddings of the asked dimension (float and base64)', async () => {
    // The SDK asks for base64 by default and decodes it; asking for floats exercises the other path.
    const b64 = await client.embeddings.create({
      model: 'sim-embed',
      input: ['alpha', 'beta'],
      dimensions: 16,
    });
    const flt = await client.embeddings.create({
      model: 'sim-embed',
      input: ['alpha', 'beta'],
      dimensions: 16,
      encoding_format: 'float',
    });
    expect(b64.data).toHaveLength(2);
    const v = b64.data[0]?.embedding as number[];
    expect(v).toHaveLength(16);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    const f = flt.data[0]?.embedding as number[];
    f.forEach((x, i) => expect(x).toBeCloseTo(v[i] as number, 6));
    expect(b64.data[1]?.embedding).not.toEqual(v);
  });

  it('rejects a malformed request with a 400 naming the parameter', async () => {
    const err = await client.chat.completions
      .create({ model: 'sim-small', messages: [{ role: 'user', content: 'x' }], temperature: 9 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('temperature');
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('invalid_parameter');
  });

  it('rejects an unknown model with a 404', async () => {
    const err = await client.chat.completions
      .create({ model: 'nope', messages: user('x') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('rejects a prompt longer than the context window like vLLM', async () => {
    const err = await client.chat.completions
      .create({ model: 'sim-small', messages: user('x'), max_tokens: 40_000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(/maximum context length is 32768 tokens/);
  });
});

describe('injected faults through the official openai client', () => {
  const withFault = (fault: string) => ({ headers: { 'x-sim-fault': fault } });

  it('429 surfaces as RateLimitError with Retry-After', async () => {
    const err = await client.chat.completions
      .create({ model: 'sim-small', messages: user('x') }, withFault('429;retry_after=3'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('3');
  });

  it('500 surfaces as InternalServerError', async () => {
    const err = await client.chat.completions
      .create({ model: 'sim-small', messages: user('x') }, withFault('500'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
  });

  it('503 surfaces as an APIError with status 503', async () => {
    const err = await client.chat.completions
      .create({ model: 'sim-small', messages: user('x') }, withFault('503'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it('a connection reset surfaces as APIConnectionError', async () => {
    const err = await client.chat.completions
      .create({ model: 'sim-small', messages: user('x') }, withFault('reset'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('a slow first byte beyond the client timeout surfaces as APIConnectionTimeoutError', async () => {
    const t0 = performance.now();
    const err = await client.chat.completions
      .create(
        { model: 'sim-small', messages: user('x') },
        { ...withFault('slow_first_byte;ms=1500'), timeout: 300 },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    // The ground truth has the client leaving at once, with nothing generated (not an answer 1.5 s later).
    await new Promise((r) => setTimeout(r, 50));
    const truth = (await (await fetch(`${sim.url}/sim/requests?limit=5`)).json()) as {
      data: Array<{ status: number; fault: string | null; completionTokens: number; finishedAt: number }>;
    };
    const t = truth.data.filter((x) => x.fault === 'slow_first_byte').at(-1);
    expect(t).toMatchObject({ status: 499, completionTokens: 0 });
    expect(performance.now() - t0).toBeLessThan(1200);
  });

  it('a stream cut mid-way makes iteration throw', async () => {
    const stream = await client.chat.completions.create(
      {
        model: 'sim-small',
        messages: user('x'),
        max_tokens: 30,
        stream: true,
        ...({ ignore_eos: true } as object),
      },
      withFault('cut;after=3'),
    );
    let chunks = 0;
    const err = await (async () => {
      for await (const _ of stream) chunks++;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(chunks).toBeGreaterThan(0);
    // The ground truth counts the three tokens that left, not the thirty planned.
    const truth = (await (await fetch(`${sim.url}/sim/requests?limit=5`)).json()) as {
      data: Array<{ status: number; fault: string | null; completionTokens: number }>;
    };
    expect(truth.data.filter((x) => x.fault === 'cut').at(-1)).toMatchObject({
      status: 0,
      completionTokens: 3,
    });
  });

  it('a malformed chunk makes iteration throw a parse error', async () => {
    const stream = await client.chat.completions.create(
      {
        model: 'sim-small',
        messages: user('x'),
        max_tokens: 30,
        stream: true,
        ...({ ignore_eos: true } as object),
      },
      withFault('malformed;after=2'),
    );
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(String(err)).toMatch(/JSON|parse/i);
  });

  it('a stall delays the rest of the stream by the asked time', async () => {
    const t0 = performance.now();
    const stream = await client.chat.completions.create(
      {
        model: 'sim-small',
        messages: user('x'),
        max_tokens: 6,
        stream: true,
        ...({ ignore_eos: true } as object),
      },
      withFault('stall;after=2;ms=400'),
    );
    let n = 0;
    for await (const c of stream) if (c.choices[0]?.delta.content) n++;
    expect(n).toBe(6);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(400);
  });

  it('a stall before the first token (after=0) delays the first token, not the headers', async () => {
    const t0 = performance.now();
    const { data: stream, response } = await client.chat.completions
      .create(
        { model: 'sim-small', messages: user('x'), max_tokens: 3, stream: true },
        withFault('stall;after=0;ms=400'),
      )
      .withResponse();
    const tHeaders = performance.now();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    let tFirst: number | undefined;
    for await (const c of stream) if (c.choices[0]?.delta.content) tFirst ??= performance.now();
    expect(tHeaders - t0).toBeLessThan(300);
    expect((tFirst as number) - t0).toBeGreaterThanOrEqual(400);
  });

  it('a wrong content type reaches the SDK as non-JSON text', async () => {
    const r = await client.chat.completions
      .create({ model: 'sim-small', messages: user('x') }, withFault('wrong_content_type'))
      .catch((e: unknown) => e);
    // The SDK hands back the raw text for a non-JSON content type; what matters is that it is not a completion.
    expect(typeof r === 'string' || r instanceof Error).toBe(true);
  });

  it('an unknown fault name is a 400 naming the header', async () => {
    const err = await client.chat.completions
      .create({ model: 'sim-small', messages: user('x') }, withFault('meteor'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('x-sim-fault');
  });
});

describe('API key check', () => {
  it('answers 401 in the OpenAI envelope without the key and 200 with it', async () => {
    const locked = await startTestSim({ apiKey: 'sk-sim-secret-123456', zeroDelay: true });
    try {
      const bad = new OpenAI({ baseURL: `${locked.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
      const err = await bad.models.list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((err as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
      expect(String((err as Error).message)).not.toContain('sk-sim-secret');
      const good = new OpenAI({ baseURL: `${locked.url}/v1`, apiKey: 'sk-sim-secret-123456', maxRetries: 0 });
      expect((await good.models.list()).data.length).toBeGreaterThan(0);
      const health = await fetch(`${locked.url}/health`);
      expect(health.status).toBe(200);
    } finally {
      await locked.close();
    }
  });
});
