import { z } from 'zod';

/*
 * Field builders shared by the wire schemas. Each one carries a single human phrase ("must be …") as its error,
 * so that whichever check fails (wrong type, below the minimum, above the maximum) the client reads the whole
 * contract for the field at once — the way vLLM and OpenAI phrase their 400s. `parseWire` prefixes the field
 * name and appends the offending value.
 */

/** A finite number in [min, max], e.g. `temperature`. */
export function numberBetween(min: number, max: number): z.ZodNumber {
  const error = `must be a number between ${min} and ${max}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

/** An integer in [min, max], e.g. `top_logprobs`. */
export function intBetween(min: number, max: number): z.ZodNumber {
  const error = `must be an integer between ${min} and ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** An integer ≥ 0, e.g. `max_tokens` (vLLM accepts 0 on some endpoints, so the wire layer does too). */
export function nonNegativeInt(): z.ZodNumber {
  const error = 'must be a non-negative integer';
  return z.number({ error }).int({ error }).min(0, { error });
}

/** An integer ≥ 1, e.g. `n`, `dimensions`. */
export function positiveInt(): z.ZodNumber {
  const error = 'must be a positive integer';
  return z.number({ error }).int({ error }).min(1, { error });
}

/** Any integer, e.g. `seed` (which may be negative on vLLM). */
export function anyInt(): z.ZodNumber {
  const error = 'must be an integer';
  return z.number({ error }).int({ error });
}

/** `stop`: one string or a list of strings. OpenAI caps the list at 4 but vLLM does not, so neither do we. */
export const StopSchema = z.union([z.string(), z.array(z.string({ error: 'must be a string' }))], {
  error: 'must be a string or an array of strings',
});

/** `logit_bias`: token id (as a string key) → bias. Not range-checked: vLLM clamps to ±100 rather than rejecting. */
export const LogitBiasSchema = z.record(z.string(), z.number({ error: 'must be a number' }), {
  error: 'must be an object mapping token ids to numbers',
});

/** `metadata`: string → string tags, stored alongside the request by OpenAI. */
export const MetadataSchema = z.record(z.string(), z.string({ error: 'must be a string' }), {
  error: 'must be an object of string values',
});

/** `stream_options` shared by chat and legacy completions; `continuous_usage_stats` is a vLLM extension. */
export const StreamOptionsSchema = z.looseObject({
  include_usage: z.boolean().nullish(),
  continuous_usage_stats: z.boolean().nullish(),
});
export type StreamOptions = z.output<typeof StreamOptionsSchema>;

/** A list of token ids, the pre-tokenized form of a prompt or embedding input. */
export const TokenIdsSchema = z.array(nonNegativeInt());
