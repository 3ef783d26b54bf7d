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
  promptTokens: number;
  n: number;
  /** max_completion_tokens ?? max_tokens, when the request set one. */
  maxTokens: number | undefined;
  /** vLLM's `ignore_eos` (or the simulator's honor-max-tokens option): produce exactly maxTokens. */
  exactLength: boolean;
  stop: readonly string[];
}

/** Decides each choice's answer: natural length from the profile, capped by max_tokens and the context window. */
export function planGeneration(profile: ModelProfile, req: PlanRequest, rng: Rng): GenerationPlan {
  const room = Math.max(0, profile.maxModelLen - req.promptTokens);
  const cap = Math.min(req.maxTokens ?? room, room);
  const choices: ChoicePlan[] = [];
  for (let c = 0; c < req.n; c++) {
    const natural =
      req.exactLength && req.maxTokens !== undefined
        ? req.maxTokens
        : drawOutputLength(profile.outputLength, rng);
    const count = Math.min(natural, cap);
    const { tokens, stopped } = applyStop(generateTokens(rng, count), req.stop);
    const finishReason = stopped ? 'stop' : req.exactLength || count < natural ? 'length' : 'stop';
    const reasoningTokens = Math.floor(tokens.length * profile.reasoningFraction);
    choices.push({ tokens, reasoningTokens, finishReason });
  }
  return { promptTokens: req.promptTokens, cachedTokens: null, choices };
}

export function completionTokensOf(plan: GenerationPlan): number {
  let sum = 0;
  for (const c of plan.choices) sum += c.tokens.length;
  return sum;
}
