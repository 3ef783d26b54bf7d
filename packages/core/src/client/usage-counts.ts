/** The counts of an OpenAI `usage` object that llmops reads; null where the server did not report one. */
export interface UsageCounts {
  promptTokens: number | null;
  completionTokens: number | null;
  /** `prompt_tokens_details.cached_tokens`: prompt tokens served from the server's prefix cache. */
  cachedPromptTokens: number | null;
  /** `completion_tokens_details.reasoning_tokens`. */
  reasoningTokens: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const field = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;

/** Reads a `usage` object from a chat/text completion body or stream chunk (anything else gives all nulls). */
export function usageCounts(usage: unknown): UsageCounts {
  return {
    promptTokens: num(field(usage, 'prompt_tokens')),
    completionTokens: num(field(usage, 'completion_tokens')),
    cachedPromptTokens: num(field(field(usage, 'prompt_tokens_details'), 'cached_tokens')),
    reasoningTokens: num(field(field(usage, 'completion_tokens_details'), 'reasoning_tokens')),
  };
}
