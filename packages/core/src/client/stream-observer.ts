import type { SseEvent } from '../sse/index.js';
import { UpstreamClientError } from './client-error.js';
import { emptyMeasurement, type RequestMeasurement } from './request-measurement.js';
import { usageCounts, type UsageCounts } from './usage-counts.js';

interface DeltaLike {
  content?: unknown;
  reasoning_content?: unknown;
  reasoning?: unknown;
  tool_calls?: unknown;
}
interface ChoiceLike {
  index?: unknown;
  delta?: DeltaLike;
  text?: unknown;
  finish_reason?: unknown;
}
/** Takes the prompt-side counts and the details of a `usage` object (the output count is the caller's to place). */
function takePromptUsage(m: RequestMeasurement, u: UsageCounts): void {
  if (u.promptTokens !== null) {
    m.promptTokens = u.promptTokens;
    m.promptTokenSource = 'usage';
  }
  if (u.reasoningTokens !== null) m.reasoningTokens = u.reasoningTokens;
  if (u.cachedPromptTokens !== null) m.cachedPromptTokens = u.cachedPromptTokens;
}
interface ChunkLike {
  id?: unknown;
  choices?: ChoiceLike[] | null;
  usage?: unknown;
  error?: unknown;
}

const DONE = '[DONE]';

function nonEmpty(v: unknown): boolean {
  return typeof v === 'string' ? v.length > 0 : Array.isArray(v) ? v.length > 0 : false;
}

/**
 * Turns a timed sequence of SSE events of an OpenAI chat or text completion stream into a RequestMeasurement.
 * Pure: it does no I/O and reads no clock, so it is tested on hand-written traces.
 */
export class StreamObserver {
  readonly m: RequestMeasurement;
  private tFirstToken = -1;
  private tLastToken = -1;
  /** Token-bearing chunks of the first choice (index 0), and when its first and last arrived: TPOT with n > 1. */
  private firstChoiceChunks = 0;
  private tFirstChoiceStart = -1;
  private tFirstChoiceLast = -1;
  /** A choice other than the first was seen (n > 1, or several prompts): the usage then counts every choice. */
  private severalChoices = false;
  private done = false;
  private usageCompletion: number | null = null;

  constructor(
    tSend: number,
    private readonly collectContent = true,
  ) {
    this.m = emptyMeasurement(tSend, true);
  }

  get finished(): boolean {
    return this.done;
  }

  /** Feeds one event received at monotonic time `t`. Throws UpstreamClientError on an in-stream failure. */
  onEvent(ev: SseEvent, t: number): void {
    const m = this.m;
    if (m.timeToFirstEvent === null) m.timeToFirstEvent = t - m.tSend;
    if (ev.data === DONE) {
      this.done = true;
      return;
    }
    if (ev.event === 'error')
      throw new UpstreamClientError('stream_error', `server sent an error event: ${ev.data.slice(0, 200)}`);
    let chunk: ChunkLike;
    try {
      chunk = JSON.parse(ev.data) as ChunkLike;
    } catch {
      throw new UpstreamClientError(
        'invalid_json',
        `stream event is not JSON: ${JSON.stringify(ev.data.slice(0, 80))}`,
      );
    }
    if (chunk === null || typeof chunk !== 'object') {
      throw new UpstreamClientError('invalid_json', 'stream event is not a JSON object');
    }
    if (chunk.error !== undefined && chunk.error !== null) {
      throw new UpstreamClientError(
        'stream_error',
        `server reported an error in the stream: ${describeError(chunk.error)}`,
      );
    }
    if (m.requestId === null && typeof chunk.id === 'string') m.requestId = chunk.id;
    if (chunk.usage) this.takeUsage(chunk.usage);
    const choices = chunk.choices;
    if (!choices || choices.length === 0) return;
    let tokenBearing = 0;
    for (const choice of choices) {
      if (this.observeChoice(choice, t)) tokenBearing++;
    }
    if (tokenBearing > 0) {
      if (this.tFirstToken < 0) {
        this.tFirstToken = t;
        m.ttft = t - m.tSend;
      }
      this.tLastToken = t;
      m.tokenChunks += tokenBearing;
    }
  }

  private observeChoice(choice: ChoiceLike, t: number): boolean {
    const m = this.m;
    if (typeof choice.finish_reason === 'string') m.finishReason = choice.finish_reason;
    const first = choice.index === undefined || choice.index === 0;
    if (!first) this.severalChoices = true;
    const d = choice.delta;
    // Legacy completions stream `text` instead of a delta.
    const content = d ? d.content : choice.text;
    const hasContent = nonEmpty(content);
    if (hasContent) {
      if (m.timeToFirstContent === null) m.timeToFirstContent = t - m.tSend;
      if (this.collectContent && first) m.content += content as string;
    }
    const token =
      hasContent ||
      (!!d && (nonEmpty(d.reasoning_content) || nonEmpty(d.reasoning) || nonEmpty(d.tool_calls)));
    // Inter-token gaps are those of the first choice, as its TPOT: with n > 1 every choice streams in chunks of its
    // own, one per step, and gaps between chunks of different choices (near 0) would say nothing of the decoding.
    if (token && first) {
      if (this.tFirstChoiceStart < 0) this.tFirstChoiceStart = t;
      else m.interTokenGaps.push(t - this.tFirstChoiceLast);
      this.tFirstChoiceLast = t;
      this.firstChoiceChunks++;
    }
    return token;
  }

  private takeUsage(usage: unknown): void {
    const u = usageCounts(usage);
    takePromptUsage(this.m, u);
    if (u.completionTokens !== null) this.usageCompletion = u.completionTokens;
  }

  /** Completes the measurement when the body has ended at time `t`. Throws if the stream was incomplete. */
  finish(): RequestMeasurement {
    const m = this.m;
    if (this.tLastToken >= 0) m.e2e = this.tLastToken - m.tSend;
    if (this.usageCompletion !== null) {
      m.outputTokens = this.usageCompletion;
      m.outputTokenSource = 'usage';
    } else if (m.tokenChunks > 0) {
      m.outputTokens = m.tokenChunks;
      m.outputTokenSource = 'chunks';
    }
    // TPOT is the time a sequence takes per token after its first. With several choices (n > 1) they decode side
    // by side, and the usage counts all of them: the first choice's own tokens and times give its TPOT (dividing
    // the span by every choice's tokens would make it n times too small).
    if (!this.severalChoices) {
      if (m.outputTokens > 1 && this.tFirstToken >= 0)
        m.tpot = (this.tLastToken - this.tFirstToken) / (m.outputTokens - 1);
    } else if (this.firstChoiceChunks > 1) {
      m.tpot = (this.tFirstChoiceLast - this.tFirstChoiceStart) / (this.firstChoiceChunks - 1);
    }
    return m;
  }
}

function describeError(e: unknown): string {
  if (typeof e === 'string') return e.slice(0, 200);
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') {
    return (e as { message: string }).message.slice(0, 200);
  }
  return JSON.stringify(e).slice(0, 200);
}

/** Fills a measurement from a complete non-streamed chat or text completion body received at `tEnd`. */
export function observeJsonBody(
  m: RequestMeasurement,
  body: unknown,
  tEnd: number,
  collectContent = true,
): void {
  m.e2e = tEnd - m.tSend;
  if (typeof body !== 'object' || body === null) return;
  const b = body as ChunkLike & { choices?: Array<ChoiceLike & { message?: DeltaLike }> };
  if (m.requestId === null && typeof b.id === 'string') m.requestId = b.id;
  const first = b.choices?.[0];
  if (first) {
    if (typeof first.finish_reason === 'string') m.finishReason = first.finish_reason;
    const content = first.message ? first.message.content : first.text;
    if (collectContent && typeof content === 'string') m.content = content;
  }
  const u = usageCounts(b.usage);
  takePromptUsage(m, u);
  if (u.completionTokens !== null) {
    m.outputTokens = u.completionTokens;
    m.outputTokenSource = 'usage';
  }
}
