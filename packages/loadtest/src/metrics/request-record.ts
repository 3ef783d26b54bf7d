import { epochNow, monoToEpoch, type RequestMeasurement, type TokenSource } from '@llmops/core';
import { sampleMessage } from './error-samples.js';

/**
 * One finished request as the load tester keeps it: what the client measured plus where the request belonged
 * (model, test type, worker) and when it was meant to go out. This is also the per-request JSONL line, so a run
 * can be re-aggregated later from the records alone. Times are milliseconds; `null` where a quantity does not
 * exist for this request (TTFT of a JSON answer, TPOT with fewer than two tokens).
 */
export interface RequestRecord {
  /** Epoch ms at which the scheduler wanted the request sent (open loop) or the user was ready (closed loop). */
  scheduledAt: number;
  /** Epoch ms at which it was written to its connection (TTFT and E2E count from here). */
  sentAt: number;
  /** Epoch ms at which the answer was complete (or the request failed). */
  doneAt: number;
  /**
   * sentAt − scheduledAt: client-side queueing (no free slot, late timer, waiting for or opening a connection, the
   * HTTP client's check of an idle connection). Never negative.
   */
  queueMs: number;
  model: string;
  testType: string;
  user: number;
  ok: boolean;
  /** `null` when ok; else the client's error class (timeout_first_byte, http_5xx, stream_broken, …). */
  errorClass: string | null;
  /**
   * What the failure said (the error envelope's message, or the client's own), secrets redacted, cut to 200
   * characters; absent when ok.
   */
  error?: string;
  status: number;
  /** The server's request id (`x-request-id` header or the body's `id`), to match server-side logs. */
  requestId: string | null;
  streamed: boolean;
  ttftMs: number | null;
  /** Send → first visible content (differs from TTFT for reasoning models). */
  ttfcMs: number | null;
  /** Send → last token-bearing chunk (stream) or complete body (JSON). */
  e2eMs: number | null;
  tpotMs: number | null;
  /** Gaps between consecutive token-bearing chunks. Pooled across requests for ITL. */
  itlMs: readonly number[];
  outputTokens: number;
  outputTokenSource: TokenSource;
  promptTokens: number;
  promptTokenSource: TokenSource;
  /** Cost from the scenario's price table, in USD; null when the model has no price. */
  costUSD: number | null;
  /** 1 for the first try of a question, 2… for retries (`errorHandling.retryAttempts`). Absent means 1. */
  attempt?: number;
  /** Prompt tokens the server served from its prefix cache (`usage.prompt_tokens_details`); absent: not reported. */
  cachedPromptTokens?: number;
}

export interface RecordContext {
  scheduledAt: number;
  model: string;
  testType: string;
  user: number;
  costUSD: number | null;
  attempt?: number;
}

/** Builds the record of a finished request from the client's measurement. */
export function recordOf(m: RequestMeasurement, ctx: RecordContext): RequestRecord {
  const sentAt = monoToEpoch(m.tSend);
  const r: RequestRecord = {
    scheduledAt: ctx.scheduledAt,
    sentAt,
    doneAt: epochNow(),
    queueMs: Math.max(0, sentAt - ctx.scheduledAt),
    model: ctx.model,
    testType: ctx.testType,
    user: ctx.user,
    ok: m.ok,
    errorClass: m.ok ? null : (m.errorClass ?? 'unknown'),
    status: m.status,
    requestId: m.requestId,
    streamed: m.streamed,
    ttftMs: m.ttft,
    ttfcMs: m.timeToFirstContent,
    e2eMs: m.e2e,
    tpotMs: m.tpot,
    itlMs: m.interTokenGaps,
    outputTokens: m.outputTokens,
    outputTokenSource: m.outputTokenSource,
    promptTokens: m.promptTokens,
    promptTokenSource: m.promptTokenSource,
    costUSD: ctx.costUSD,
  };
  if (ctx.attempt !== undefined && ctx.attempt > 1) r.attempt = ctx.attempt;
  if (!m.ok) r.error = sampleMessage(m.errorMessage ?? '', m.status);
  if (m.cachedPromptTokens !== null) r.cachedPromptTokens = m.cachedPromptTokens;
  return r;
}
