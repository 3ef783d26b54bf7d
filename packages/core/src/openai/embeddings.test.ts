import { describe, expect, it } from 'vitest';
import { EmbeddingRequestSchema, EmbeddingResponseSchema } from './embeddings.js';
import { parseWire } from './parse-wire.js';

describe('embedding request', () => {
  it.each([['hello'], [['a', 'b']], [[1, 2]], [[[1], [2, 3]]]])('accepts input %j', (input) => {
    expect(parseWire(EmbeddingRequestSchema, { model: 'e5', input }).ok).toBe(true);
  });

  it('accepts encoding_format, dimensions and user, and keeps unknown fields', () => {
    const request = {
      model: 'e5',
      input: 'x',
      encoding_format: 'base64',
      dimensions: 256,
      user: 'u',
      truncate_prompt_tokens: 512,
    };
    expect(parseWire(EmbeddingRequestSchema, request)).toStrictEqual({ ok: true, value: request });
  });

  it.each([[''], [[]], [{}], [null]])('rejects input %j, naming input', (input) => {
    expect(parseWire(EmbeddingRequestSchema, { model: 'e5', input })).toMatchObject({
      ok: false,
      issue: { param: 'input', kind: 'invalid' },
    });
  });

  it('names a missing input', () => {
    expect(parseWire(EmbeddingRequestSchema, { model: 'e5' })).toEqual({
      ok: false,
      issue: { param: 'input', message: "'input' is required", kind: 'missing' },
    });
  });

  it.each([
    ['encoding_format', 'hex'],
    ['dimensions', 0],
  ])('rejects %s = %j', (field, value) => {
    expect(parseWire(EmbeddingRequestSchema, { model: 'e5', input: 'x', [field]: value })).toMatchObject({
      ok: false,
      issue: { param: field },
    });
  });
});

describe('embedding response', () => {
  it('accepts float and base64 embeddings', () => {
    const response = {
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.1, -0.2] },
        { object: 'embedding', index: 1, embedding: 'zczMPc3MTL4=' },
      ],
      model: 'e5',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    };
    expect(parseWire(EmbeddingResponseSchema, response)).toStrictEqual({ ok: true, value: response });
  });
});
