import { z } from 'zod';
import { MessageContentSchema } from './chat-content.js';
import { ToolCallSchema } from './chat-tools.js';

/*
 * Chat messages, one schema per role so that each role's own requirements are checked (a tool message needs
 * `tool_call_id`, an assistant message may have null content). The discriminator makes a bad role surface as
 * `messages.N.role` rather than as a vague "no union member matched".
 */

export const SystemMessageSchema = z.looseObject({
  role: z.literal('system'),
  content: MessageContentSchema,
  name: z.string().nullish(),
});
export type SystemMessage = z.output<typeof SystemMessageSchema>;

/** `developer` replaces `system` for OpenAI reasoning models; same shape. */
export const DeveloperMessageSchema = z.looseObject({
  role: z.literal('developer'),
  content: MessageContentSchema,
  name: z.string().nullish(),
});
export type DeveloperMessage = z.output<typeof DeveloperMessageSchema>;

export const UserMessageSchema = z.looseObject({
  role: z.literal('user'),
  content: MessageContentSchema,
  name: z.string().nullish(),
});
export type UserMessage = z.output<typeof UserMessageSchema>;

/**
 * Content may be null or absent: an assistant turn that only called tools has none. OpenAI insists on content
 * unless `tool_calls` is set; vLLM does not, and a proxy should not be stricter than its upstream.
 */
export const AssistantMessageSchema = z.looseObject({
  role: z.literal('assistant'),
  content: MessageContentSchema.nullish(),
  name: z.string().nullish(),
  tool_calls: z.array(ToolCallSchema).nullish(),
  refusal: z.string().nullish(),
  reasoning_content: z.string().nullish(),
  reasoning: z.string().nullish(),
});
export type AssistantMessage = z.output<typeof AssistantMessageSchema>;

export const ToolMessageSchema = z.looseObject({
  role: z.literal('tool'),
  content: MessageContentSchema,
  tool_call_id: z.string(),
});
export type ToolMessage = z.output<typeof ToolMessageSchema>;

/** Deprecated by OpenAI in favour of `tool`, still accepted by it and by vLLM. */
export const FunctionMessageSchema = z.looseObject({
  role: z.literal('function'),
  content: z.string().nullable(),
  name: z.string(),
});
export type FunctionMessage = z.output<typeof FunctionMessageSchema>;

export const ChatMessageSchema = z.discriminatedUnion('role', [
  SystemMessageSchema,
  DeveloperMessageSchema,
  UserMessageSchema,
  AssistantMessageSchema,
  ToolMessageSchema,
  FunctionMessageSchema,
]);
export type ChatMessage = z.output<typeof ChatMessageSchema>;

/** The role names accepted in `messages`. */
export const CHAT_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];
