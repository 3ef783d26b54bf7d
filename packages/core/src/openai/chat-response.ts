import { z } from 'zod';
import { ToolCallDeltaSchema, ToolCallSchema } from './chat-tools.js';
import { nonNegativeInt } from './fields.js';
import { UsageSchema } from './usage.js';

/*
 * What chat completion servers send back. These schemas check what our own simulator emits and what a client
 * receives from an upstream, so they stay loose: unknown fields (vLLM's `prompt_logprobs`, `kv_transfer_params`,
 * OpenAI's `annotations`…) are kept, and `finish_reason` is any string because servers add their own ('abort').
 */

const TopLogprobSchema = z.looseObject({
  token: z.string(),
  logprob: z.number(),
  bytes: z.array(z.number().int()).nullish(),
});

export const ChatTokenLogprobSchema = z.looseObject({
  token: z.string(),
  logprob: z.number(),
  bytes: z.array(z.number().int()).nullish(),
  top_logprobs: z.array(TopLogprobSchema).nullish(),
});
export type ChatTokenLogprob = z.output<typeof ChatTokenLogprobSchema>;

export const ChatChoiceLogprobsSchema = z.looseObject({
  content: z.array(ChatTokenLogprobSchema).nullish(),
  refusal: z.array(ChatTokenLogprobSchema).nullish(),
});
export type ChatChoiceLogprobs = z.output<typeof ChatChoiceLogprobsSchema>;

/** `reasoning_content` is vLLM's name for a reasoning model's thinking; newer vLLM and others call it `reasoning`. */
export const ChatResponseMessageSchema = z.looseObject({
  role: z.literal('assistant'),
  content: z.string().nullable(),
  reasoning_content: z.string().nullish(),
  reasoning: z.string().nullish(),
  tool_calls: z.array(ToolCallSchema).nullish(),
  refusal: z.string().nullish(),
});
export type ChatResponseMessage = z.output<typeof ChatResponseMessageSchema>;

export const ChatCompletionChoiceSchema = z.looseObject({
  index: nonNegativeInt(),
  message: ChatResponseMessageSchema,
  finish_reason: z.string().nullable(),
  logprobs: ChatChoiceLogprobsSchema.nullish(),
});
export type ChatCompletionChoice = z.output<typeof ChatCompletionChoiceSchema>;

export const ChatCompletionResponseSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: nonNegativeInt(),
  model: z.string(),
  choices: z.array(ChatCompletionChoiceSchema),
  usage: UsageSchema.nullish(),
  system_fingerprint: z.string().nullish(),
});
export type ChatCompletionResponse = z.output<typeof ChatCompletionResponseSchema>;

export const ChatCompletionDeltaSchema = z.looseObject({
  role: z.literal('assistant').nullish(),
  content: z.string().nullish(),
  reasoning_content: z.string().nullish(),
  reasoning: z.string().nullish(),
  tool_calls: z.array(ToolCallDeltaSchema).nullish(),
  refusal: z.string().nullish(),
});
export type ChatCompletionDelta = z.output<typeof ChatCompletionDeltaSchema>;

export const ChatCompletionChunkChoiceSchema = z.looseObject({
  index: nonNegativeInt(),
  delta: ChatCompletionDeltaSchema,
  finish_reason: z.string().nullable(),
  logprobs: ChatChoiceLogprobsSchema.nullish(),
});
export type ChatCompletionChunkChoice = z.output<typeof ChatCompletionChunkChoiceSchema>;

/**
 * One `data:` event of a streamed chat completion. With `stream_options.include_usage` the last chunk has empty
 * `choices` and a `usage`; the others carry `usage: null` (OpenAI), no `usage` (vLLM), or, with vLLM's
 * `continuous_usage_stats`, running totals.
 */
export const ChatCompletionChunkSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: nonNegativeInt(),
  model: z.string(),
  choices: z.array(ChatCompletionChunkChoiceSchema),
  usage: UsageSchema.nullish(),
  system_fingerprint: z.string().nullish(),
});
export type ChatCompletionChunk = z.output<typeof ChatCompletionChunkSchema>;
