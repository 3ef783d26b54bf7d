import { describe, expect, it } from 'vitest';
import { ChatCompletionChunkSchema, ChatCompletionResponseSchema } from './chat-response.js';
import { parseWire } from './parse-wire.js';

const usage = {
  prompt_tokens: 12,
  completion_tokens: 30,
  total_tokens: 42,
  prompt_tokens_details: { cached_tokens: 8 },
  completion_tokens_details: { reasoning_tokens: 20 },
};

describe('chat completion response', () => {
  const response = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'qwen',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          reasoning_content: 'The user wants weather.',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }],
        },
        finish_reason: 'tool_calls',
        logprobs: null,
        stop_reason: null,
      },
    ],
    usage,
    system_fingerprint: 'fp_1',
    prompt_logprobs: null,
  };

  it('accepts a tool-calling answer with reasoning, keeping vLLM extras', () => {
    expect(parseWire(ChatCompletionResponseSchema, response)).toStrictEqual({ ok: true, value: response });
  });

  it('accepts token logprobs', () => {
    const logprobs = {
      content: [
        { token: 'Hi', logprob: -0.1, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.1 }] },
      ],
    };
    const withLogprobs = { ...response, choices: [{ ...response.choices[0], logprobs }] };
    expect(parseWire(ChatCompletionResponseSchema, withLogprobs).ok).toBe(true);
  });

  it('rejects a response whose object is a chunk', () => {
    const result = parseWire(ChatCompletionResponseSchema, { ...response, object: 'chat.completion.chunk' });
    expect(result).toMatchObject({ ok: false, issue: { param: 'object' } });
  });
});

describe('chat completion chunk', () => {
  const chunk = {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'qwen',
    choices: [
      {
        index: 0,
        delta: {
          role: 'assistant',
          tool_calls: [
            { index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '' } },
          ],
        },
        finish_reason: null,
      },
    ],
    usage: null,
  };

  it('accepts a delta opening a tool call', () => {
    expect(parseWire(ChatCompletionChunkSchema, chunk)).toStrictEqual({ ok: true, value: chunk });
  });

  it('accepts a delta continuing a tool call with only index and arguments', () => {
    const next = {
      ...chunk,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] },
          finish_reason: null,
        },
      ],
    };
    expect(parseWire(ChatCompletionChunkSchema, next).ok).toBe(true);
  });

  it('accepts reasoning deltas under both names', () => {
    for (const delta of [{ reasoning_content: 'hmm' }, { reasoning: 'hmm' }]) {
      const event = { ...chunk, choices: [{ index: 0, delta, finish_reason: null }] };
      expect(parseWire(ChatCompletionChunkSchema, event).ok).toBe(true);
    }
  });

  it('accepts the final usage-only chunk', () => {
    const last = { ...chunk, choices: [], usage };
    expect(parseWire(ChatCompletionChunkSchema, last)).toStrictEqual({ ok: true, value: last });
  });

  it('names a tool call delta without index', () => {
    const bad = {
      ...chunk,
      choices: [{ index: 0, delta: { tool_calls: [{ id: 'x' }] }, finish_reason: null }],
    };
    expect(parseWire(ChatCompletionChunkSchema, bad)).toMatchObject({
      ok: false,
      issue: { param: 'choices.0.delta.tool_calls.0.index', kind: 'missing' },
    });
  });
});
