import { z } from 'zod';
import { ChatMessageSchema } from './chat-messages.js';
import { ToolChoiceSchema, ToolSchema } from './chat-tools.js';
import {
  anyInt,
  intBetween,
  LogitBiasSchema,
  MetadataSchema,
  nonNegativeInt,
  numberBetween,
  positiveInt,
  StopSchema,
  StreamOptionsSchema,
} from './fields.js';

export const JsonSchemaFormatSchema = z.looseObject({
  name: z.string(),
  description: z.string().nullish(),
  schema: z.record(z.string(), z.unknown(), { error: 'must be a JSON Schema object' }).nullish(),
  strict: z.boolean().nullish(),
});
export type JsonSchemaFormat = z.output<typeof JsonSchemaFormatSchema>;

export const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({ type: z.literal('json_schema'), json_schema: JsonSchemaFormatSchema }),
]);
export type ResponseFormat = z.output<typeof ResponseFormatSchema>;

/*
 * POST /v1/chat/completions. Every optional field also accepts null, as the OpenAI API does. The object is loose:
 * fields not listed here (vLLM's `top_k`, `guided_json`, `chat_template_kwargs`, OpenAI's newest options…) are
 * kept in the parse output so a proxy forwards them unchanged.
 */
export const ChatCompletionRequestSchema = z.looseObject({
  model: z.string(),
  messages: z.array(ChatMessageSchema).min(1, { error: 'must contain at least one message' }),
  tools: z.array(ToolSchema).nullish(),
  tool_choice: ToolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: ResponseFormatSchema.nullish(),
  stream: z.boolean().nullish(),
  stream_options: StreamOptionsSchema.nullish(),
  n: positiveInt().nullish(),
  stop: StopSchema.nullish(),
  max_tokens: nonNegativeInt().nullish(),
  max_completion_tokens: nonNegativeInt().nullish(),
  temperature: numberBetween(0, 2).nullish(),
  top_p: numberBetween(0, 1).nullish(),
  frequency_penalty: numberBetween(-2, 2).nullish(),
  presence_penalty: numberBetween(-2, 2).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: intBetween(0, 20).nullish(),
  logit_bias: LogitBiasSchema.nullish(),
  seed: anyInt().nullish(),
  user: z.string().nullish(),
  /** Free-form on purpose: OpenAI keeps adding levels ('minimal', 'xhigh', …) and vLLM forwards them to templates. */
  reasoning_effort: z.string().nullish(),
  metadata: MetadataSchema.nullish(),
  store: z.boolean().nullish(),
  /** Free-form on purpose: tier names change ('auto', 'default', 'flex', 'priority', …). */
  service_tier: z.string().nullish(),
});
export type ChatCompletionRequest = z.output<typeof ChatCompletionRequestSchema>;
