import {
  CoreErrors,
  EmbeddingRequestSchema,
  fromWireIssue,
  parseWire,
  type EmbeddingRequest,
} from '@llmops/core';
import type { FastifyInstance } from 'fastify';
import { hashString, Rng } from './rng.js';
import { SimErrors } from './sim-errors.js';
import type { SimState } from './sim-state.js';
import { estimateTokens } from './text-generator.js';

/** A unit-length vector that depends only on the model, the input and the dimension: same input, same vector. */
export function embedText(model: string, input: string, dim: number): Float32Array {
  const rng = new Rng(hashString(input, hashString(model) ^ dim));
  const v = new Float32Array(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    const x = rng.normal();
    v[i] = x;
    norm += x * x;
  }
  const k = 1 / Math.sqrt(norm || 1);
  for (let i = 0; i < dim; i++) v[i] = (v[i] as number) * k;
  return v;
}

function inputsOf(input: EmbeddingRequest['input']): Array<{ key: string; tokens: number }> {
  if (typeof input === 'string') return [{ key: input, tokens: estimateTokens(input) }];
  if (input.length > 0 && typeof input[0] === 'number')
    return [{ key: JSON.stringify(input), tokens: input.length }];
  return (input as Array<string | number[]>).map((x) =>
    typeof x === 'string'
      ? { key: x, tokens: estimateTokens(x) }
      : { key: JSON.stringify(x), tokens: Math.max(1, x.length) },
  );
}

export function registerEmbeddingsRoute(app: FastifyInstance, state: SimState): void {
  app.post('/v1/embeddings', async (req, reply) => {
    const parsed = parseWire(EmbeddingRequestSchema, req.body);
    if (!parsed.ok) throw fromWireIssue(parsed.issue);
    const body = parsed.value;
    const served = state.models.get(body.model);
    if (!served) throw CoreErrors.error('model_not_found', { model: body.model }, { param: 'model' });
    if (served.profile.kind !== 'embedding') {
      throw SimErrors.error(
        'model_not_supported',
        { model: body.model, api: 'Embeddings' },
        { param: 'model' },
      );
    }
    const dim = body.dimensions ?? served.profile.embeddingDim;
    const inputs = inputsOf(body.input);
    const tokens = inputs.reduce((a, x) => a + x.tokens, 0);
    const p = served.profile;
    const delay = p.ttftBaseMs + p.embedMsPerToken * tokens;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const base64 = body.encoding_format === 'base64';
    const data = inputs.map((x, index) => {
      const v = embedText(body.model, x.key, dim);
      const embedding = base64
        ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
        : Array.from(v);
      return { object: 'embedding', index, embedding };
    });
    reply.header('x-request-id', state.nextId('embd'));
    return {
      object: 'list',
      data,
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
  });
}
