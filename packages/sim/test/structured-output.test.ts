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

const user = (content: string) => [{ role: 'user' as const, content }];

const weather: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer' },
      },
      required: ['city', 'unit'],
    },
  },
};
const clock: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', properties: {} } },
};

/** Collects a streamed chat answer: content, tool-call fragments by index, finish reasons and content chunks. */
async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let content = '';
  let contentChunks = 0;
  let usage: OpenAI.CompletionUsage | undefined;
  const calls = new Map<number, { id?: string; type?: string; name: string; args: string; pieces: number }>();
  const finish: string[] = [];
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    const c = chunk.choices[0];
    if (!c) continue;
    if (c.delta.content) {
      content += c.delta.content;
      contentChunks++;
    }
    for (const t of c.delta.tool_calls ?? []) {
      const call = calls.get(t.index) ?? { name: '', args: '', pieces: 0 };
      if (t.id) call.id = t.id;
      if (t.type) call.type = t.type;
      call.name += t.function?.name ?? '';
      call.args += t.function?.arguments ?? '';
      call.pieces++;
      calls.set(t.index, call);
    }
    if (c.finish_reason) finish.push(c.finish_reason);
  }
  return { content, contentChunks, calls, finish, usage };
}

describe('response_format', () => {
  it('json_object: the answer is a JSON object, whole and streamed', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = await client.chat.completions.create({
        model: 'sim-small',
        messages: user('Answer in JSON'),
        response_format: { type: 'json_object' },
        seed,
      });
      const c = r.choices[0];
      expect(c?.finish_reason).toBe('stop');
      const parsed: unknown = JSON.parse(c?.message.content ?? '');
      expect(typeof parsed).toBe('object');
      expect(r.usage?.completion_tokens).toBeGreaterThan(0);
    }
    const s = await collect(
      await client.chat.completions.create({
        model: 'sim-small',
        messages: user('Answer in JSON'),
        response_format: { type: 'json_object' },
        seed: 9,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(typeof JSON.parse(s.content)).toBe('object');
    expect(s.usage?.completion_tokens).toBe(s.contentChunks);
  });

  it('json_object: the reasoning model reasons first, then answers JSON', async () => {
    const r = await client.chat.completions.create({
      model: 'sim-reasoner',
      messages: user('Answer in JSON'),
      response_format: { type: 'json_object' },
    });
    const msg = r.choices[0]?.message as unknown as { reasoning_content?: string; content: string };
    expect(msg.reasoning_content?.length).toBeGreaterThan(0);
    expect(typeof JSON.parse(msg.content)).toBe('object');
  });

  it('json_object: a max_tokens cut ends with finish_reason length, as a real server does', async () => {
    const r = await client.chat.completions.create({
      model: 'sim-small',
      messages: user('Answer in JSON'),
      response_format: { type: 'json_object' },
      max_tokens: 2,
    });
    expect(r.choices[0]?.finish_reason).toBe('length');
    expect(r.usage?.completion_tokens).toBe(2);
  });

  it('json_schema: the answer has the schema’s required properties with their types', async () => {
    const r = await client.chat.completions.create({
      model: 'sim-small',
      messages: user('Describe a city'),
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'city',
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              population: { type: 'integer' },
              coastal: { type: 'boolean' },
              tags: { type: 'array', items: { type: 'string' } },
              kind: { enum: ['town', 'metropolis'] },
            },
            required: ['name', 'population', 'coastal', 'tags', 'kind'],
          },
        },
      },
    });
    const v = JSON.parse(r.choices[0]?.message.content ?? '') as Record<string, unknown>;
    expect(typeof v.name).toBe('string');
    expect(Number.isInteger(v.population)).toBe(true);
    expect(typeof v.coastal).toBe('boolean');
    expect(Array.isArray(v.tags)).toBe(true);
    expect(['town', 'metropolis']).toContain(v.kind);
  });

  it('a stop string still ends the JSON answer where it appears, with finish_reason stop', async () => {
    const r = await client.chat.completions.create({
      model: 'sim-small',
      messages: user('Answer in JSON'),
      response_format: { type: 'json_object' },
      stop: ['"'],
    });
    expect(r.choices[0]?.message.content).toBe('{');
    expect(r.choices[0]?.finish_reason).toBe('stop');
  });
});

describe('tool calls', () => {
  it('tool_choice required: a call to one of the tools with JSON arguments, finish_reason tool_calls', async () => {
    const r = await client.chat.completions.create({
      model: 'sim-small',
      messages: user('Weather in Paris?'),
      tools: [weather, clock],
      tool_choice: 'required',
    });
    const c = r.choices[0];
    expect(c?.finish_reason).toBe('tool_calls');
    const call = c?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.id.length).toBeGreaterThan(0);
    const fn = (call as OpenAI.ChatCompletionMessageFunctionToolCall).function;
    expect(['get_weather', 'get_time']).toContain(fn.name);
    expect(typeof JSON.parse(fn.arguments)).toBe('object');
    expect(c?.message.content ?? '').toBe('');
    expect(r.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('a named tool_choice calls that function, with arguments that follow its parameters', async () => {
    const r = await client.chat.completions.create({
      model: 'sim-small',
      messages: user('Weather in Paris?'),
      tools: [clock, weather],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const call = r.choices[0]?.message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments) as Record<string, unknown>;
    expect(typeof args.city).toBe('string');
    expect(['celsius', 'fahrenheit']).toContain(args.unit);
    // vLLM (like OpenAI) ends a forced named call with "stop".
    expect(r.choices[0]?.finish_reason).toBe('stop');
  });

  it('streams a call as fragments: id, type and name first, then argument pieces, all on index 0', async () => {
    const s = await collect(
      await client.chat.completions.create({
        model: 'sim-small',
        messages: user('Weather in Paris?'),
        tools: [weather],
        tool_choice: 'required',
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect([...s.calls.keys()]).toEqual([0]);
    const call = s.calls.get(0);
    expect(call?.id).toBeTruthy();
    expect(call?.type).toBe('function');
    expect(call?.name).toBe('get_weather');
    expect(typeof JSON.parse(call?.args ?? '')).toBe('object');
    expect(s.content).toBe('');
    expect(s.finish).toEqual(['tool_calls']);
    expect(s.usage?.completion_tokens).toBe(call?.pieces);
  });

  it('n > 1 gives one call per choice, each with its own id', async () => {
    const r = await client.chat.completions.create({
      model: 'sim-small',
      messages: user('Weather?'),
      tools: [weather],
      tool_choice: 'required',
      n: 2,
    });
    const ids = r.choices.map((c) => c.message.tool_calls?.[0]?.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it('tool_choice none (or auto) answers with text', async () => {
    for (const tool_choice of ['none', 'auto'] as const) {
      const r = await client.chat.completions.create({
        model: 'sim-small',
        messages: user('Weather?'),
        tools: [weather],
        tool_choice,
        max_tokens: 5,
      });
      expect(r.choices[0]?.message.content?.length).toBeGreaterThan(0);
      expect(r.choices[0]?.message.tool_calls ?? []).toEqual([]);
    }
  });

  it('a named tool_choice for a function not in tools is a 400 naming tool_choice', async () => {
    const err = await client.chat.completions
      .create({
        model: 'sim-small',
        messages: user('x'),
        tools: [weather],
        tool_choice: { type: 'function', function: { name: 'nope' } },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tool_choice');
  });
});
