import {
  ChatCompletionRequestSchema,
  CoreErrors,
  fromWireIssue,
  CompletionRequestSchema,
  monoToEpoch,
  parseWire,
  type WireResult,
} from '@llmops/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { drawFault, parseFaultHeader, type Fault } from './faults.js';
import { planGeneration, type GenerationPlan } from './generation-plan.js';
import { GenerationSession } from './generation-session.js';
import type { Timeline } from './ground-truth.js';
import {
  chatPromptText,
  chatPromptTokens,
  completionPromptTexts,
  completionPromptTokens,
} from './prompt-tokens.js';
import { ResponseFormat, type ApiKind } from './response-format.js';
import { SimErrors } from './sim-errors.js';
import type { ServedModel, SimState } from './sim-state.js';
import { answerShapeOf, escapeToken, type AnswerShape } from './structured-output.js';
import { verifySamplingParams } from './verify-sampling-params.js';

/** The request fields both generation APIs share, after validation. */
interface GenerationRequest {
  model: string;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean | null; continuous_usage_stats?: boolean | null } | null;
  n?: number | null;
  stop?: string | string[] | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  seed?: number | null;
  temperature?: number | null;
  ignore_eos?: unknown;
  /** Legacy completions: the prompt goes before the answer's text. */
  echo?: boolean | null;
  /** Legacy completions: refused, as vLLM does. */
  suffix?: string | null;
  /** vLLM's prefix-cache isolation: requests with different salts never share cached blocks. */
  cache_salt?: unknown;
}

/** One prompt of a request: its token count and its text (for prefix caching). */
interface Prompt {
  tokens: number;
  text: string;
  /** What `echo` repeats: the prompt as given when it is text (token ids are not detokenized here). */
  echo?: string;
}

export type GenerationRoute = (
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  receivedMono: number,
) => void;

/** POST /v1/chat/completions on the raw hot path; throws registry errors, which the caller answers. */
export const chatCompletionsRoute: GenerationRoute = (state, req, res, body, receivedMono) =>
  handle(
    state,
    req,
    res,
    'chat',
    parseWire(ChatCompletionRequestSchema, body),
    (b) => [{ tokens: chatPromptTokens(b), text: chatPromptText(b) }],
    receivedMono,
    answerShapeOf,
  );

/** POST /v1/completions on the raw hot path. */
export const completionsRoute: GenerationRoute = (state, req, res, body, receivedMono) =>
  handle(
    state,
    req,
    res,
    'completion',
    parseWire(CompletionRequestSchema, body),
    (b) => {
      const texts = completionPromptTexts(b.prompt);
      const given = typeof b.prompt === 'string' ? [b.prompt] : b.prompt;
      return completionPromptTokens(b.prompt).map((tokens, i) => {
        const p = given[i];
        return { tokens, text: texts[i] ?? '', echo: typeof p === 'string' ? p : '' };
      });
    },
    receivedMono,
  );

function handle<T extends GenerationRequest>(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  kind: ApiKind,
  parsed: WireResult<T>,
  promptsOf: (body: NoInfer<T>) => Prompt[],
  receivedMono: number,
  shapeOf?: (body: NoInfer<T>) => AnswerShape | null,
): void {
  if (!parsed.ok) throw fromWireIssue(parsed.issue);
  const body = parsed.value;
  const model = servedModel(state, body.model, kind);
  const fault = pickFault(state, req);
  if (fault && preResponseFault(fault, res)) return;
  const prompts = promptsOf(body);
  // A batch of legacy prompts is answered as one response whose choices cover every prompt, like vLLM does.
  let promptTokens = 0;
  let longest = 0;
  for (const p of prompts) {
    promptTokens += p.tokens;
    longest = Math.max(longest, p.tokens);
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  checkContext(model, longest, maxTokens);
  verifySamplingParams(body);
  // vLLM's request validator: stream options (a non-empty object) only with stream: true.
  const opts = body.stream_options;
  if (opts != null && Object.keys(opts).length > 0 && body.stream !== true)
    throw CoreErrors.error(
      'invalid_parameter',
      { message: 'Stream options can only be defined when `stream=True`.' },
      { param: 'stream_options' },
    );
  if (kind === 'completion' && body.suffix != null)
    throw CoreErrors.error(
      'invalid_parameter',
      { message: 'suffix is not currently supported' },
      { param: 'suffix' },
    );
  const shape = shapeOf ? shapeOf(body) : null;
  const plan = makePlan(state, model, body, kind, prompts, maxTokens, shape);
  plan.cachedTokens = cachedTokensOf(state, model, prompts, body.cache_salt);
  if (kind === 'completion' && body.echo === true) echoPrompts(plan, prompts, body.n ?? 1);
  const id = state.nextId(kind === 'chat' ? 'chatcmpl' : 'cmpl');
  const stream = body.stream === true;
  const includeUsage = stream && body.stream_options?.include_usage === true;
  const format = new ResponseFormat(kind, id, Math.floor(Date.now() / 1000), body.model, includeUsage);
  const timeline = newTimeline(id, body.model, stream, receivedMono, promptTokens, fault);
  if (fault)
    fault.after = Math.min(fault.after, Math.max(0, ...plan.choices.map((c) => c.tokens.length - 1)));
  const session = new GenerationSession({
    state,
    model,
    plan,
    format,
    stream,
    // vLLM reads continuous_usage_stats only with include_usage.
    continuousUsage: includeUsage && body.stream_options?.continuous_usage_stats === true,
    fault,
    res,
    timeline,
    receivedMono,
  });
  if (fault?.name !== 'slow_first_byte') {
    session.start();
    return;
  }
  const held = setTimeout(() => {
    res.off('close', gone);
    session.start();
  }, fault.ms);
  const gone = (): void => {
    clearTimeout(held);
    session.abandon();
  };
  res.once('close', gone);
}

/** Prompt tokens served from the model's prefix cache (null when prefix caching is off); counted in /metrics. */
function cachedTokensOf(
  state: SimState,
  model: ServedModel,
  prompts: readonly Prompt[],
  salt: unknown,
): number | null {
  const cache = model.prefixCache;
  if (!cache) return null;
  const s = typeof salt === 'string' ? salt : null;
  let cached = 0;
  let queried = 0;
  for (const p of prompts) {
    cached += cache.lookupAndStore(p.text, p.tokens, s);
    queried += p.tokens;
  }
  const m = state.metrics.forModel(model.profile.id);
  m.prefixCacheQueries.inc(queried);
  m.prefixCacheHits.inc(cached);
  return cached;
}

/** Choices come prompt by prompt, `n` each (planGeneration): each echoes its own prompt, JSON-escaped once here. */
function echoPrompts(plan: GenerationPlan, prompts: readonly Prompt[], n: number): void {
  plan.choices.forEach((c, i) => {
    const text = prompts[Math.floor(i / n)]?.echo;
    if (text) c.echo = escapeToken(text);
  });
}

function servedModel(state: SimState, id: string, kind: ApiKind): ServedModel {
  const m = state.models.get(id);
  if (!m) throw CoreErrors.error('model_not_found', { model: id }, { param: 'model' });
  if (m.profile.kind !== 'chat') {
    throw SimErrors.error(
      'model_not_supported',
      { model: id, api: kind === 'chat' ? 'Chat Completions' : 'Completions' },
      { param: 'model' },
    );
  }
  return m;
}

function checkContext(model: ServedModel, promptTokens: number, maxTokens: number | undefined): void {
  const limit = model.profile.maxModelLen;
  if (promptTokens + (maxTokens ?? 0) > limit) {
    const param = maxTokens === undefined ? 'messages' : 'max_tokens';
    throw SimErrors.error(
      'context_length_exceeded',
      { limit, prompt: promptTokens, completion: maxTokens ?? 0 },
      { param },
    );
  }
}

function makePlan(
  state: SimState,
  model: ServedModel,
  body: GenerationRequest,
  kind: ApiKind,
  prompts: readonly Prompt[],
  maxTokens: number | undefined,
  shape: AnswerShape | null,
): GenerationPlan {
  const stop = typeof body.stop === 'string' ? [body.stop] : (body.stop ?? []);
  return planGeneration(
    model.profile,
    {
      prompts: prompts.map((p) => p.tokens),
      n: body.n ?? 1,
      maxTokens,
      exactLength: body.ignore_eos === true || state.settings.honorMaxTokens,
      stop,
      splitReasoning: kind === 'chat',
      shape,
    },
    state.rngFor(body.seed),
  );
}

function pickFault(state: SimState, req: IncomingMessage): Fault | null {
  const header = req.headers['x-sim-fault'];
  const d = state.settings.faultDefaults;
  if (typeof header === 'string' && header.length > 0) {
    const f = parseFaultHeader(header, d);
    if (typeof f === 'string')
      throw SimErrors.error('invalid_fault_header', { detail: f }, { param: 'x-sim-fault' });
    return f;
  }
  return drawFault(state.settings.faultRates, state.faultRng, d);
}

/** Faults that replace the whole response. Returns true when the response has been handled. */
function preResponseFault(fault: Fault, res: ServerResponse): boolean {
  switch (fault.name) {
    case '429':
      throw CoreErrors.error('rate_limit_exceeded', undefined, {
        headers: { 'retry-after': String(fault.retryAfter) },
      });
    case '500':
      throw CoreErrors.error('internal_error');
    case '503':
      throw CoreErrors.error('service_unavailable', undefined, {
        headers: { 'retry-after': String(fault.retryAfter) },
      });
    case 'reset':
      res.socket?.resetAndDestroy();
      return true;
    case 'wrong_content_type':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body>Service temporarily moved</body></html>');
      return true;
    default:
      return false;
  }
}

function newTimeline(
  id: string,
  model: string,
  stream: boolean,
  receivedMono: number,
  promptTokens: number,
  fault: Fault | null,
): Timeline {
  return {
    id,
    model,
    stream,
    receivedAt: monoToEpoch(receivedMono),
    admittedAt: null,
    headersAt: null,
    tokenAt: [],
    finishedAt: null,
    promptTokens,
    completionTokens: 0,
    status: 0,
    fault: fault ? fault.name : null,
  };
}
