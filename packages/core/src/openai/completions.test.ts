import { describe, expect, it } from 'vitest';
import { CompletionChunkSchema, CompletionRequestSchema, CompletionResponseSchema } from './completions.js';
import { parseWire } from './parse-wire.js';

describe('legacy completion request', () => {
  it.each([['Once upon a time'], [['a', 'b']], [[1, 2, 3]], [[[1, 2], [3]]]])(
    'accepts prompt %j',
    (prompt) => {
      expect(parseWire(CompletionRequestSchema, { model: 'm', prompt })).toStrictEqual({
        ok: true,
        value: { model: 'm', prompt },
      });
    },
  );

  it('accepts the legacy-only options and keeps vLLM extras', () => {
    const request = {
      model: 'm',
      prompt: 'x',
      max_tokens: 16,
      stream: true,
      stream_options: { include_usage: true },
      n: 2,
      best_of: 3,
      stop: 'END',
      echo: true,
      suffix: null,
      logprobs: 5,
      temperature: 0.7,
      top_p: 0.9,
      seed: 1,
      user: 'u',
      ignore_eos: true,
      min_tokens: 16,
    };
    expect(parseWire(CompletionRequestSchema, request)).toStrictEqual({ ok: true, value: request });
  });

  it('names a missing prompt', () => {
    expect(parseWire(CompletionRequestSchema, { model: 'm' })).toMatchObject({
      ok: false,
      issue: { param: 'prompt', kind: 'missing' },
    });
  });

  it.each([[{ text: 'x' }], [[-1]], [[1.5]]])('rejects prompt %j', (prompt) => {
    const result = parseWire(CompletionRequestSchema, { model: 'm', prompt });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.issue.param).toMatch(/^prompt/);
  });

  it('rejects a boolean logprobs, which only chat accepts', () => {
    expect(parseWire(CompletionRequestSchema, { model: 'm', prompt: 'x', logprobs: true })).toMatchObject({
      ok: false,
      issue: { param: 'logprobs' },
    });
  });
});

describe('legacy completion response', () => {
  const response = {
    id: 'cmpl-1',
    object: 'text_completion',
    created: 1_700_000_000,
    model: 'm',
    choices: [
      {
        index: 0,
        text: ' there was',
        finish_reason: 'length',
        logprobs: {
          tokens: [' there'],
          token_logprobs: [-0.2],
          top_logprobs: [{ ' there': -0.2 }],
          text_offset: [0],
        },
      },
    ],
    usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 },
  };

  it('accepts a complete response', () => {
    expect(parseWire(CompletionResponseSchema, response)).toStrictEqual({ ok: true, value: response });
  });

  it('accepts a stream chunk with no finish reason yet and null usage', () => {
    const chunk = {
      ...response,
      choices: [{ index: 0, text: ' once', finish_reason: null, logprobs: null }],
      usage: null,
    };
    expect(parseWire(CompletionChunkSchema, chunk).ok).toBe(true);
  });

  it('rejects a chat object tag', () => {
    expect(parseWire(CompletionResponseSchema, { ...response, object: 'chat.completion' }).ok).toBe(false);
  });
});
