import type { ClientErrorClass } from './client-error.js';

/** Where an output/prompt token count came from: the server's `usage`, chunks counted by the client, or nowhere. */
export type TokenSource = 'usage' | 'chunks' | 'none';

/**
 * Everything measured about one request. Times are milliseconds relative to `tSend` (the monotonic instant the
 * request went on the wire); `null` where the quantity does not exist for this request (e.g. TTFT of
 * a non-streamed answer, TPOT with fewer than two output tokens). Definitions follow the load-test contract's
 * glossary so figures compare with vLLM `bench serve`, AIPerf and guidellm.
 */
export interface RequestMeasurement {
  /**
   * Monotonic timestamp (ms, this process) when the request was written to its connection: what the server's
   * latency is measured from. A request that never got a connection keeps the instant it was handed to the client.
   */
  tSend: number;
  /**
   * Handed to the HTTP client → written (k6's `http_req_blocked` plus `http_req_connecting`): waiting for a pooled
   * connection, opening one, and undici's check of an idle keep-alive socket before reuse, which waits for the
   * event loop's next check phase (up to tens of ms in a busy client). Client time, not server latency.
   */
  blockedMs: number;
  /** HTTP status, 0 when no response arrived. */
  status: number;
  ok: boolean;
  errorClass: ClientErrorClass | null;
  errorMessage: string | null;
  /** Request id from the `x-request-id` header or the body's `id`. */
  requestId: string | null;
  streamed: boolean;
  /** Send → response headers. */
  timeToHeaders: number | null;
  /** Send → first SSE event of any kind (a role-only delta counts). */
  timeToFirstEvent: number | null;
  /** Send → first token: content, reasoning_content/reasoning or tool_calls. */
  ttft: number | null;
  /** Send → first visible `content`. */
  timeToFirstContent: number | null;
  /** Send → last token-bearing chunk (streams) or → complete body (JSON). */
  e2e: number | null;
  /** Every gap between consecutive token-bearing chunks, in order. */
  interTokenGaps: number[];
  /**
   * (t_last − t_first)/(outputTokens − 1); only when outputTokens > 1. With several choices (n > 1) that of the
   * first choice alone: its own first and last token times and its token-bearing chunks.
   */
  tpot: number | null;
  outputTokens: number;
  outputTokenSource: TokenSource;
  promptTokens: number;
  promptTokenSource: TokenSource;
  /** Token-bearing chunks counted by the client (equals output tokens for servers that send one token a chunk). */
  tokenChunks: number;
  /** `completion_tokens_details.reasoning_tokens` when reported. */
  reasoningTokens: number | null;
  /** `prompt_tokens_details.cached_tokens` (prompt tokens served from the server's prefix cache) when reported. */
  cachedPromptTokens: number | null;
  finishReason: string | null;
  /** The assistant's visible text (first choice), when collected. */
  content: string;
}

export function emptyMeasurement(tSend: number, streamed: boolean): RequestMeasurement {
  return {
    tSend,
    blockedMs: 0,
    status: 0,
    ok: false,
    errorClass: null,
    errorMessage: null,
    requestId: null,
    streamed,
    timeToHeaders: null,
    timeToFirstEvent: null,
    ttft: null,
    timeToFirstContent: null,
    e2e: null,
    interTokenGaps: [],
    tpot: null,
    outputTokens: 0,
    outputTokenSource: 'none',
    promptTokens: 0,
    promptTokenSource: 'none',
    tokenChunks: 0,
    reasoningTokens: null,
    cachedPromptTokens: null,
    finishReason: null,
    content: '',
  };
}
