import type { ModelProfile } from './model-profile.js';
import { drawOutputLength } from './model-profile.js';
import { type Rng } from './rng.js';
import {
  escapeToken,
  structuredTokens,
  toolCallId,
  type AnswerShape,
  type ToolCallPlan,
} from './structured-output.js';
import { applyStop, generateTokens } from './text-generator.js';

export interface ChoicePlan {
  /** Text of each output token, in order. */
  tokens: string[];
  /**
   * The first `reasoningTokens` tokens are sent as `reasoning_content`, the rest as `content` (or as the tool
   * call's arguments). Tokens of a structured answer are stored JSON-escaped, as they go on the wire.
   */
  reasoningTokens: number;
  /** Legacy completions with `echo`: the prompt (JSON-escaped), sent before the first token. */
  echo?: string;
  /** Set when the answer is a tool call rather than content. */
  toolCall?: ToolCallPlan;
  finishReason: 'stop' | 'length' | 'tool_calls';
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
  /** A JSON answer or a tool call (chat only), or null for free text. */
  shape?: AnswerShape | null;
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
      choices.push(
        req.shape
          ? planShaped(profile, req, req.shape, natural, cap, rng)
          : planText(profile, req, natural, cap, rng),
      );
    }
  }
  return { promptTokens, cachedTokens: null, choices };
}

function planText(
  profile: ModelProfile,
  req: PlanRequest,
  natural: number,
  cap: number,
  rng: Rng,
): ChoicePlan {
  const count = Math.min(natural, cap);
  const { tokens, stopped } = applyStop(generateTokens(rng, count), req.stop);
  const finishReason = stopped ? 'stop' : req.exactLength || count < natural ? 'length' : 'stop';
  const reasoningTokens = req.splitReasoning ? Math.floor(tokens.length * profile.reasoningFraction) : 0;
  return { tokens, reasoningTokens, finishReason };
}

/**
 * A JSON answer or a tool call: the reasoning (if any) comes first as free text, then the structure, whole unless
 * max_tokens, the context room or a stop string cuts it (finish_reason length or stop, as on a real server).
 * `ignore_eos` pads a structure shorter than max_tokens with whitespace, which leaves the JSON valid.
 */
function planShaped(
  profile: ModelProfile,
  req: PlanRequest,
  shape: AnswerShape,
  natural: number,
  cap: number,
  rng: Rng,
): ChoicePlan {
  const reasoning = req.splitReasoning ? Math.floor(natural * profile.reasoningFraction) : 0;
  const tool = shape.kind === 'tool' ? shape.tools[rng.int(0, shape.tools.length - 1)] : undefined;
  const schema = tool ? tool.schema : shape.kind === 'json' ? shape.schema : null;
  const body = structuredTokens(schema, !tool && schema === null, natural - reasoning, rng);
  const full = [...generateTokens(rng, reasoning), ...body];
  if (req.exactLength && req.maxTokens !== undefined) while (full.length < req.maxTokens) full.push(' ');
  const count = Math.min(full.length, cap);
  const { tokens, stopped } = applyStop(full.slice(0, count), req.stop);
  const reasoningTokens = Math.min(reasoning, tokens.length);
  for (let i = reasoningTokens; i < tokens.length; i++) tokens[i] = escapeToken(tokens[i] as string);
  const finishReason = stopped
    ? 'stop'
    : req.exactLength || count < full.length
      ? 'length'
      : shape.kind === 'tool'
        ? shape.finish
        : 'stop';
  const plan: ChoicePlan = { tokens, reasoningTokens, finishReason };
  if (tool) plan.toolCall = { id: toolCallId(rng), name: tool.name };
  return plan;
}

export function completionTokensOf(plan: GenerationPlan): number {
  let sum = 0;
  for (const c of plan.choices) sum += c.tokens.length;
  return sum;
}
