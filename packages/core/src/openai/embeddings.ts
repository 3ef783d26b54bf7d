import { z } from 'zod';
import { nonNegativeInt, positiveInt, TokenIdsSchema } from './fields.js';

const INPUT_ERROR =
  'must be a non-empty string, array of strings, array of token ids or array of token id arrays';

/** What to embed; OpenAI rejects empty input, and an empty batch would only waste a round trip. */
export const EmbeddingInputSchema = z.union(
  [
    z.string().min(1, { error: INPUT_ERROR }),
    z.array(z.string()).min(1, { error: INPUT_ERROR }),
    TokenIdsSchema.min(1, { error: INPUT_ERROR }),
    z.array(TokenIdsSchema).min(1, { error: INPUT_ERROR }),
  ],
  { error: INPUT_ERROR },
);
export type EmbeddingInput = z.output<typeof EmbeddingInputSchema>;

/** POST /v1/embeddings. Loose, so vLLM extras (`truncate_prompt_tokens`, `normalize`…) pass through. */
export const EmbeddingRequestSchema = z.looseObject({
  model: z.string(),
  input: EmbeddingInputSchema,
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: positiveInt().nullish(),
  user: z.string().nullish(),
});
export type EmbeddingRequest = z.output<typeof EmbeddingRequestSchema>;

/** `embedding` is a float array, or a base64 string of little-endian float32s when `encoding_format` is base64. */
export const EmbeddingSchema = z.looseObject({
  object: z.literal('embedding'),
  index: nonNegativeInt(),
  embedding: z.union([z.array(z.number()), z.string()]),
});
export type Embedding = z.output<typeof EmbeddingSchema>;

/** Embeddings generate nothing, so usage has no completion tokens. */
export const EmbeddingUsageSchema = z.looseObject({
  prompt_tokens: nonNegativeInt(),
  total_tokens: nonNegativeInt(),
});
export type EmbeddingUsage = z.output<typeof EmbeddingUsageSchema>;

export const EmbeddingResponseSchema = z.looseObject({
  object: z.literal('list'),
  data: z.array(EmbeddingSchema),
  model: z.string(),
  usage: EmbeddingUsageSchema,
});
export type EmbeddingResponse = z.output<typeof EmbeddingResponseSchema>;
