import { z } from 'zod';
import {
  anyInt,
  LogitBiasSchema,
  nonNegativeInt,
  numberBetween,
  positiveInt,
  StopSchema,
  StreamOptionsSchema,
  TokenIdsSchema,
} from './fields.js';
import { UsageSchema } from './usage.js';

/*
 * The legacy text completions API (POST /v1/completions). OpenAI calls it legacy, but vLLM serves it fully and
 * it is the natural endpoint for raw-prompt load tests, so it gets first-class schemas.
 */

/** A prompt is text, a batch of texts, token ids, or a batch of token id lists. */
export const CompletionPromptSchema = z.union(
  [z.string(), z.array(z.string()), TokenIdsSchema, z.array(TokenIdsSchema)],
  { error: 'must be a string, an array of strings, an array of token ids or an array of token id arrays' },
);
export type CompletionPrompt = z.output<typeof CompletionPromptSchema>;

/** Loose like the chat request: vLLM sampling extras (`top_k`, `min_p`, `ignore_eos`…) pass through. */
export const CompletionRequestSchema = z.looseObject({
  model: z.string(),
  prompt: CompletionPromptSchema,
  max_tokens: nonNegativeInt().nullish(),
  stream: z.boolean().nullish(),
  stream_options: StreamOptionsSchema.nullish(),
  n: positiveInt().nullish(),
  best_of: positiveInt().nullish(),
  stop: StopSchema.nullish(),
  echo: z.boolean().nullish(),
  suffix: z.string().nullish(),
  /** Unlike chat, an integer: how many top alternatives to return per token (OpenAI caps it at 5, vLLM does not). */
  logprobs: nonNegativeInt().nullish(),
  temperature: numberBetween(0, 2).nullish(),
  top_p: numberBetween(0, 1).nullish(),
  frequency_penalty: numberBetween(-2, 2).nullish(),
  presence_penalty: numberBetween(-2, 2).nullish(),
  logit_bias: LogitBiasSchema.nullish(),
  seed: anyInt().nullish(),
  user: z.string().nullish(),
});
export type CompletionRequest = z.output<typeof CompletionRequestSchema>;

/** Parallel arrays, one entry per generated token. */
export const CompletionLogprobsSchema = z.looseObject({
  tokens: z.array(z.string()).nullish(),
  token_logprobs: z.array(z.number().nullable()).nullish(),
  top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullish(),
  text_offset: z.array(z.number().int()).nullish(),
});
export type CompletionLogprobs = z.output<typeof CompletionLogprobsSchema>;

export const CompletionChoiceSchema = z.looseObject({
  index: nonNegativeInt(),
  text: z.string(),
  finish_reason: z.string().nullable(),
  logprobs: CompletionLogprobsSchema.nullish(),
});
export type CompletionChoice = z.output<typeof CompletionChoiceSchema>;

export const CompletionResponseSchema = z.looseObject({
  id: z.string(),
  object: z.literal('text_completion'),
  created: nonNegativeInt(),
  model: z.string(),
  choices: z.array(CompletionChoiceSchema),
  usage: UsageSchema.nullish(),
  system_fingerprint: z.string().nullish(),
});
export type CompletionResponse = z.output<typeof CompletionResponseSchema>;

/**
 * A streamed legacy completion event. OpenAI and vLLM keep `object: 'text_completion'` for chunks, so the shape
 * is the response's; the separate name documents intent and lets the two drift if a server ever diverges.
 */
export const CompletionChunkSchema = CompletionResponseSchema;
export type CompletionChunk = z.output<typeof CompletionChunkSchema>;
