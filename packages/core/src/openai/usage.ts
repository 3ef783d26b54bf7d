import { z } from 'zod';
import { nonNegativeInt } from './fields.js';

/** Breakdown of prompt tokens; `cached_tokens` is what prefix caching saved. */
export const PromptTokensDetailsSchema = z.looseObject({
  cached_tokens: nonNegativeInt().nullish(),
  audio_tokens: nonNegativeInt().nullish(),
});
export type PromptTokensDetails = z.output<typeof PromptTokensDetailsSchema>;

/** Breakdown of completion tokens; `reasoning_tokens` counts hidden thinking on reasoning models. */
export const CompletionTokensDetailsSchema = z.looseObject({
  reasoning_tokens: nonNegativeInt().nullish(),
  audio_tokens: nonNegativeInt().nullish(),
  accepted_prediction_tokens: nonNegativeInt().nullish(),
  rejected_prediction_tokens: nonNegativeInt().nullish(),
});
export type CompletionTokensDetails = z.output<typeof CompletionTokensDetailsSchema>;

/** Token accounting of a chat or legacy completion (the last stream chunk carries it when asked for). */
export const UsageSchema = z.looseObject({
  prompt_tokens: nonNegativeInt(),
  completion_tokens: nonNegativeInt(),
  total_tokens: nonNegativeInt(),
  prompt_tokens_details: PromptTokensDetailsSchema.nullish(),
  completion_tokens_details: CompletionTokensDetailsSchema.nullish(),
});
export type Usage = z.output<typeof UsageSchema>;
