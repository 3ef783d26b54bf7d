import { completionTokensOf, type GenerationPlan } from './generation-plan.js';

export type ApiKind = 'chat' | 'completion';

export interface UsageJson {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
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
  if (reasoning > 0) usage.completion_tokens_details = { reasoning_tokens: reasoning };
  return usage;
}

/**
 * Builds the JSON of every chunk and body the simulator sends, in vLLM's shapes. Token chunks are built by string
 * concatenation around a precomputed head, because they are the simulator's hot path.
 */
export class ResponseFormat {
  private readonly head: string;
  private readonly usageTail: string;

  constructor(
    readonly kind: ApiKind,
    readonly id: string,
    readonly created: number,
    readonly model: string,
    /** `stream_options.include_usage`: every chunk carries `"usage":null` and a final usage chunk follows. */
    readonly includeUsage: boolean,
  ) {
    const object = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
    this.head = `{"id":${JSON.stringify(id)},"object":"${object}","created":${created},"model":${JSON.stringify(model)},"choices":[`;
    this.usageTail = includeUsage ? '],"usage":null}' : ']}';
  }

  /** The first chunk of a chat choice: the assistant role with empty content. */
  roleChunk(index: number): string {
    return `${this.head}{"index":${index},"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}${this.usageTail}`;
  }

  tokenChunk(index: number, token: string, reasoning: boolean, finish: string | null, usage?: UsageJson): string {
    const fin = finish === null ? 'null' : `"${finish}"`;
    const tail = usage ? `],"usage":${JSON.stringify(usage)}}` : this.usageTail;
    const text = JSON.stringify(token);
    if (this.kind === 'completion') {
      return `${this.head}{"index":${index},"text":${text},"logprobs":null,"finish_reason":${fin}}${tail}`;
    }
    const field = reasoning ? 'reasoning_content' : 'content';
    return `${this.head}{"index":${index},"delta":{"${field}":${text}},"logprobs":null,"finish_reason":${fin}}${tail}`;
  }

  /** A chunk with no token that only closes a choice (used when a choice ends with zero tokens). */
  finishChunk(index: number, finish: string): string {
    const body = this.kind === 'chat' ? `"delta":{}` : `"text":""`;
    return `${this.head}{"index":${index},${body},"logprobs":null,"finish_reason":"${finish}"}${this.usageTail}`;
  }

  /** The trailing chunk with `choices: []` and the usage, sent when include_usage is set. */
  usageChunk(usage: UsageJson): string {
    return `${this.head}],"usage":${JSON.stringify(usage)}}`;
  }

  /** The whole non-streamed answer. */
  fullBody(plan: GenerationPlan): string {
    const choices = plan.choices.map((c, index) => {
      const reasoning = c.tokens.slice(0, c.reasoningTokens).join('');
      const content = c.tokens.slice(c.reasoningTokens).join('');
      if (this.kind === 'completion') return { index, text: content, logprobs: null, finish_reason: c.finishReason };
      const message: Record<string, unknown> = { role: 'assistant', content, tool_calls: [] };
      if (c.reasoningTokens > 0) message['reasoning_content'] = reasoning;
      return { index, message, logprobs: null, finish_reason: c.finishReason };
    });
    return JSON.stringify({
      id: this.id,
      object: this.kind === 'chat' ? 'chat.completion' : 'text_completion',
      created: this.created,
      model: this.model,
      choices,
      usage: usageOf(plan),
    });
  }
}
