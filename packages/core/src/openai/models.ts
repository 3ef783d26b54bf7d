import { z } from 'zod';
import { nonNegativeInt, positiveInt } from './fields.js';

/** One entry of GET /v1/models. `root`, `parent` and `max_model_len` are vLLM extensions (LoRA adapters have a parent). */
export const ModelSchema = z.looseObject({
  id: z.string(),
  object: z.literal('model'),
  created: nonNegativeInt(),
  owned_by: z.string(),
  root: z.string().nullish(),
  parent: z.string().nullish(),
  max_model_len: positiveInt().nullish(),
});
export type Model = z.output<typeof ModelSchema>;

export const ModelListSchema = z.looseObject({
  object: z.literal('list'),
  data: z.array(ModelSchema),
});
export type ModelList = z.output<typeof ModelListSchema>;
