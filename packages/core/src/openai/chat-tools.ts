import { z } from 'zod';

/** A function the model may call; `parameters` is a JSON Schema, kept as an opaque object. */
export const FunctionDefinitionSchema = z.looseObject({
  name: z.string(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown(), { error: 'must be a JSON Schema object' }).nullish(),
  strict: z.boolean().nullish(),
});
export type FunctionDefinition = z.output<typeof FunctionDefinitionSchema>;

export const ToolSchema = z.looseObject({
  type: z.literal('function'),
  function: FunctionDefinitionSchema,
});
export type Tool = z.output<typeof ToolSchema>;

/** Forces one named function. */
export const NamedToolChoiceSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({ name: z.string() }),
});
export type NamedToolChoice = z.output<typeof NamedToolChoiceSchema>;

export const ToolChoiceSchema = z.union([z.enum(['none', 'auto', 'required']), NamedToolChoiceSchema], {
  error: "must be 'none', 'auto', 'required' or {type: 'function', function: {name}}",
});
export type ToolChoice = z.output<typeof ToolChoiceSchema>;

/** A complete tool call, as sent back in an assistant message or returned in a non-stream response. */
export const ToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string(),
    /** JSON text produced by the model; not parsed here because models do emit invalid JSON. */
    arguments: z.string(),
  }),
});
export type ToolCall = z.output<typeof ToolCallSchema>;

/** A fragment of a tool call in a stream chunk; `index` ties the fragments of one call together. */
export const ToolCallDeltaSchema = z.looseObject({
  index: z.number().int().min(0),
  id: z.string().nullish(),
  type: z.literal('function').nullish(),
  function: z
    .looseObject({
      name: z.string().nullish(),
      arguments: z.string().nullish(),
    })
    .nullish(),
});
export type ToolCallDelta = z.output<typeof ToolCallDeltaSchema>;
