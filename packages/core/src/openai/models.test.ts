import { describe, expect, it } from 'vitest';
import { OpenAIErrorEnvelopeSchema } from './error-envelope.js';
import { ModelListSchema } from './models.js';
import { parseWire } from './parse-wire.js';

describe('model list', () => {
  it('accepts an OpenAI list and a vLLM list with a LoRA adapter', () => {
    const list = {
      object: 'list',
      data: [
        { id: 'gpt-4o', object: 'model', created: 1_700_000_000, owned_by: 'openai' },
        {
          id: 'qwen-lora',
          object: 'model',
          created: 1_700_000_000,
          owned_by: 'vllm',
          root: '/adapters/qwen-lora',
          parent: 'Qwen/Qwen3-8B',
          max_model_len: 32768,
          permission: [],
        },
      ],
    };
    expect(parseWire(ModelListSchema, list)).toStrictEqual({ ok: true, value: list });
  });

  it('names the entry missing its id', () => {
    const list = { object: 'list', data: [{ object: 'model', created: 0, owned_by: 'x' }] };
    expect(parseWire(ModelListSchema, list)).toMatchObject({ ok: false, issue: { param: 'data.0.id' } });
  });
});

describe('error envelope', () => {
  it('accepts null param and code', () => {
    const envelope = { error: { message: 'boom', type: 'server_error', param: null, code: null } };
    expect(parseWire(OpenAIErrorEnvelopeSchema, envelope)).toStrictEqual({ ok: true, value: envelope });
  });

  it('requires param and code to be present, even as null', () => {
    expect(
      parseWire(OpenAIErrorEnvelopeSchema, { error: { message: 'm', type: 't', code: null } }),
    ).toMatchObject({
      ok: false,
      issue: { param: 'error.param', kind: 'missing' },
    });
  });
});
