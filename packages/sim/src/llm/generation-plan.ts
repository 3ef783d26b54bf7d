import type { ModelProfile } from './model-profile.js';
import { drawOutputLength } from './model-profile.js';
import { type Rng } from './rng.js';
import { applyStop, generateTokens } from './text-generator.js';

export interface ChoicePlan {
  /** Text of each output token, in order. */
  tokens: string[];
  /** The first `reasoningTokens` tokens are sent as `reasoning_content`, the rest as `content`. */
  reasoningTokens: number;
  finishReason: 'stop' | 'length';
}

/** What the simulator will answer to one request: decided up front, then released token by token. */
export interface GenerationPlan {
  promptTokens: number;
  /** Prompt tokens found in the prefix cache (their prefill is skipped); null when prefix caching is off. */
  cachedTokens: number | null;
  choices: ChoicePlan[];
}

export interface PlanRequest {
  /** Tokens of each prompt: one for chat, one or more for a legacy completion (answered as one response). */
  prompts: readonly number[];
  /** Choices per prompt. */
  n: number;
  /** max_completion_tokens ?? max_tokens, when the request set one. */
  maxTokens: number | undefined;
  /** vLLM's `ignore_eos` (or the simulator's honor-max-tokens option): produce exactly maxTokens. */
  exactLength: boolean;
  stop: readonly string[];
  /**
   * Whether the answer is split into reasoning and content, as vLLM's reasoning parser does for chat; the legacy
   * completions API returns the raw text, reasoning included, and reports no reasoning tokens.
   */
  splitReasoning: boolean;
}

/**
 * Decides each choice's answer: natural length from the profile, capped by max_tokens and by the room its own
 * prompt leaves in the context window (vLLM handles each prompt of a batch as a request of its own). Choices are
 * ordered prompt by prompt, `n` each, as vLLM numbers them.
 */
export function planGeneration(profile: ModelProfile, req: PlanRequest, rng: Rng): GenerationPlan {
  const choices: ChoicePlan[] = [];
  let promptTokens = 0;
  for (const prompt of req.prompts) {
    promptTokens += prompt;
    const room = Math.max(0, profile.maxModelLen - prompt);
    const cap = Math.min(req.maxTokens ?? room, room);
    for (let c = 0; c < req.n; c++) {
      const natural =
        req.exactLength && req.maxTokens !== undefined
          ? req.maxTokens
          : drawOutputLength(profile.outputLength, rng);
      const count = Math.min(natural, cap);
      const { tokens, stopped } = applyStop(generateTokens(rng, count), req.stop);
      const finishReason = stopped ? 'stop' : req.exactLength || count < natural ? 'length' : 'stop';
      const reasoningTokens = req.splitReasoning ? Math.floor(tokens.length * profile.reasoningFraction) : 0;
      choices.push({ tokens, reasoningTokens, finishReason });
    }
  }
  return { promptTokens, cachedTokens: null, choices };
}

export function completionTokensOf(plan: GenerationPlan): number {
  let sum = 0;
  for (const c of plan.choices) sum += c.tokens.length;
  return sum;
}
