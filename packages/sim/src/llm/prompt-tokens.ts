import type { ChatCompletionRequest, CompletionRequest } from '@llmops/core';
import { estimateTokens } from './text-generator.js';

// Chat templates wrap every message in a few special tokens; three more prime the assistant's turn.
const PER_MESSAGE = 4;
const REPLY_PRIMING = 3;

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let s = '';
  for (const part of content as Array<{ type?: unknown; text?: unknown }>) {
    if (typeof part.text === 'string') s += part.text;
    // An image or audio part costs a fixed block of tokens, as vision/audio encoders do.
    else if (part.type === 'image_url' || part.type === 'input_audio') s += ' '.repeat(4 * 85);
  }
  return s;
}

/** The prompt as the model reads it, for prefix caching: each message's role and text, then the tools. */
export function chatPromptText(req: ChatCompletionRequest): string {
  let s = '';
  for (const m of req.messages) {
    s += `<${String((m as { role?: unknown }).role)}>${contentText((m as { content?: unknown }).content)}\n`;
    const calls = (m as { tool_calls?: unknown }).tool_calls;
    if (Array.isArray(calls)) s += JSON.stringify(calls);
  }
  if (Array.isArray(req.tools)) s += JSON.stringify(req.tools);
  return s;
}

/** The text of each prompt of a legacy completion request (token ids as text), aligned with its token counts. */
export function completionPromptTexts(prompt: CompletionRequest['prompt']): string[] {
  if (typeof prompt === 'string') return [prompt];
  if (!Array.isArray(prompt) || prompt.length === 0) return [''];
  if (typeof prompt[0] === 'number') return [prompt.join(' ')];
  return (prompt as Array<string | number[]>).map((p) => (typeof p === 'string' ? p : p.join(' ')));
}

export function chatPromptTokens(req: ChatCompletionRequest): number {
  let n = REPLY_PRIMING;
  for (const m of req.messages) {
    n += PER_MESSAGE + estimateTokens(contentText((m as { content?: unknown }).content));
    const calls = (m as { tool_calls?: unknown }).tool_calls;
    if (Array.isArray(calls)) n += estimateTokens(JSON.stringify(calls));
  }
  if (Array.isArray(req.tools)) n += estimateTokens(JSON.stringify(req.tools));
  return n;
}

/** Token counts of each prompt of a legacy completion request (a string, strings, token ids, or lists of ids). */
export function completionPromptTokens(prompt: CompletionRequest['prompt']): number[] {
  if (typeof prompt === 'string') return [estimateTokens(prompt)];
  if (!Array.isArray(prompt) || prompt.length === 0) return [1];
  if (typeof prompt[0] === 'number') return [prompt.length];
  return (prompt as Array<string | number[]>).map((p) =>
    typeof p === 'string' ? estimateTokens(p) : Math.max(1, p.length),
  );
}
