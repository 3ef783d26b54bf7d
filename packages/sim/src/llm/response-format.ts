import { completionTokensOf, type GenerationPlan } from './generation-plan.js';
import type { ToolCallPlan } from './structured-output.js';

export type ApiKind = 'chat' | 'completion';

export interface UsageJson {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** With prefix caching on, as vLLM reports it (`--enable-prompt-tokens-details`). */
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export function usageOf(plan: GenerationPlan, upToStep?: number): UsageJson {
  let completion = 0;
  let reasoning = 0;
  for (const c of plan.choices) {
    const produced = upToStep === undefined ? c.tokens.length : Math.min(c.tokens.length, upToStep + 1);
    completion += produced;
    reasoning += Math.min(c.reasoningTokens, produced);
  }
  if (upToStep === undefined) completion = completionTokensOf(plan);
  const usage: UsageJson = {
    prompt_tokens: plan.promptTokens,
    completion_tokens: completion,
    total_tokens: plan.promptTokens + completion,
  };
  if (plan.cachedTokens !== null) usage.prompt_tokens_details = { cached_tokens: plan.cachedTokens };
  if (reasoning > 0) usage.completion_tokens_details = { reasoning_tokens: reasoning };
  return usage;
}

/**
 * Builds the JSON of every chunk and body the simulator sends, in vLLM's shapes. Token chunks are built by string
 * concatenation around a precomputed head, because they are the simulator's hot path.
 */
export class ResponseFormat {
  private headText: string | undefined;

  constructor(
    readonly kind: ApiKind,
    readonly id: string,
    readonly created: number,
    readonly model: string,
    /**
     * `stream_options.include_usage`: a final usage chunk follows the others, which (as vLLM's, serialized without
     * unset fields) carry no `usage` member at all; OpenAI's would carry `"usage":null`.
     */
    readonly includeUsage: boolean,
  ) {}

  /** The text every chunk starts with; built on first use, since a non-streamed answer never needs it. */
  private get head(): string {
    if (this.headText === undefined) {
      const object = this.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
      this.headText = `{"id":${JSON.stringify(this.id)},"object":"${object}","created":${this.created},"model":${JSON.stringify(this.model)},"choices":[`;
    }
    return this.headText;
  }

  /** The first chunk of a chat choice: the assistant role with empty content. */
  roleChunk(index: number): string {
    return `${this.head}{"index":${index},"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}`;
  }

  tokenChunk(
    index: number,
    token: string,
    reasoning: boolean,
    finish: string | null,
    usage?: UsageJson,
  ): string {
    const fin = finish === null ? 'null' : `"${finish}"`;
    const tail = usage ? `],"usage":${usageJson(usage)}}` : ']}';
    // Tokens come from the simulator's own ASCII vocabulary (text-generator.ts): nothing in them needs escaping.
    const text = `"${token}"`;
    if (this.kind === 'completion') {
      return `${this.head}{"index":${index},"text":${text},"logprobs":null,"finish_reason":${fin}}${tail}`;
    }
    const field = reasoning ? 'reasoning_content' : 'content';
    return `${this.head}{"index":${index},"delta":{"${field}":${text}},"logprobs":null,"finish_reason":${fin}}${tail}`;
  }

  /**
   * A fragment of a choice's tool call: the first carries the call's id, type and name (vLLM's and OpenAI's stream
   * shape), the rest only a piece of the arguments. Each choice makes one call, at index 0.
   */
  toolCallChunk(
    index: number,
    call: ToolCallPlan,
    token: string,
    first: boolean,
    finish: string | null,
    usage?: UsageJson,
  ): string {
    const fin = finish === null ? 'null' : `"${finish}"`;
    const tail = usage ? `],"usage":${usageJson(usage)}}` : ']}';
    const head = first
      ? `{"index":0,"id":"${call.id}","type":"function","function":{"name":${JSON.stringify(call.name)},`
      : '{"index":0,"function":{';
    return `${this.head}{"index":${index},"delta":{"tool_calls":[${head}"arguments":"${token}"}}]},"logprobs":null,"finish_reason":${fin}}${tail}`;
  }

  /** A chunk with no token that only closes a choice (used when a choice ends with zero tokens). */
  finishChunk(index: number, finish: string): string {
    const body = this.kind === 'chat' ? `"delta":{}` : `"text":""`;
    return `${this.head}{"index":${index},${body},"logprobs":null,"finish_reason":"${finish}"}]}`;
  }

  /** The trailing chunk with `choices: []` and the usage, sent when include_usage is set. */
  usageChunk(usage: UsageJson): string {
    return `${this.head}],"usage":${usageJson(usage)}}`;
  }

  /** The whole non-streamed answer, built as text like the chunks (this is the simulator's JSON hot path). */
  fullBody(plan: GenerationPlan): string {
    let choices = '';
    for (let index = 0; index < plan.choices.length; index++) {
      const c = plan.choices[index] as GenerationPlan['choices'][number];
      if (index > 0) choices += ',';
      if (this.kind === 'completion') {
        // The raw text, every token, as the stream sends it (no reasoning split on this API).
        const text = c.echo
          ? `"${c.echo}${quoted(c.tokens, 0, c.tokens.length).slice(1)}`
          : quoted(c.tokens, 0, c.tokens.length);
        choices += `{"index":${index},"text":${text},"logprobs":null,"finish_reason":"${c.finishReason}"}`;
        continue;
      }
      const answer = quoted(c.tokens, c.reasoningTokens, c.tokens.length);
      const reasoning =
        c.reasoningTokens > 0 ? `,"reasoning_content":${quoted(c.tokens, 0, c.reasoningTokens)}` : '';
      // A tool call's tokens are its arguments; the content is then empty, as vLLM sends it.
      const content = c.toolCall ? '""' : answer;
      const calls = c.toolCall
        ? `{"id":"${c.toolCall.id}","type":"function","function":{"name":${JSON.stringify(c.toolCall.name)},"arguments":${answer}}}`
        : '';
      choices +=
        `{"index":${index},"message":{"role":"assistant","content":${content}${reasoning},"tool_calls":[${calls}]},` +
        `"logprobs":null,"finish_reason":"${c.finishReason}"}`;
    }
    const object = this.kind === 'chat' ? 'chat.completion' : 'text_completion';
    return (
      `{"id":${JSON.stringify(this.id)},"object":"${object}","created":${this.created},"model":${JSON.stringify(this.model)},` +
      `"choices":[${choices}],"usage":${usageJson(usageOf(plan))}}`
    );
  }
}

/**
 * tokens[from..to) as one JSON string; the vocabulary is plain ASCII without quotes or backslashes, and the tokens
 * of a structured answer are stored escaped (generation-plan.ts).
 */
function quoted(tokens: readonly string[], from: number, to: number): string {
  // join builds one flat string; concatenation would build a rope that the socket write has to flatten.
  return `"${(from === 0 && to === tokens.length ? tokens : tokens.slice(from, to)).join('')}"`;
}

function usageJson(u: UsageJson): string {
  const promptDetails = u.prompt_tokens_details
    ? `,"prompt_tokens_details":{"cached_tokens":${u.prompt_tokens_details.cached_tokens}}`
    : '';
  const details = u.completion_tokens_details
    ? `,"completion_tokens_details":{"reasoning_tokens":${u.completion_tokens_details.reasoning_tokens}}`
    : '';
  return `{"prompt_tokens":${u.prompt_tokens},"completion_tokens":${u.completion_tokens},"total_tokens":${u.total_tokens}${promptDetails}${details}}`;
}
