import { readFile } from 'node:fs/promises';
import {
  LatencyHistogram,
  monoNow,
  UpstreamClient,
  type Config,
  type LatencySummary,
  type RequestMeasurement,
} from '@llmops/core';
import { z } from 'zod';
import { ErrorSamples, type SerializedErrorSamples } from '../metrics/error-samples.js';
import type { loadgenConfig } from './loadgen-config.js';

export type LoadgenConfig = Config<typeof loadgenConfig>;

/** The Reachy + AIM demo's prompt set (its loadgen ConfigMap `prompts.json`). */
export const DEFAULT_PROMPTS: readonly string[] = [
  'Explain why HBM capacity matters for LLM inference in 4 sentences.',
  'Summarize what Kubernetes-native inference means.',
  'What is time-to-first-token and why does it matter?',
];

export interface LoadgenResult {
  url: string;
  requested: number;
  successes: number;
  errors: number;
  /** Requests not started because MAX_IN_FLIGHT were open: counted, never skipped silently. */
  dropped: number;
  errorsByType: Record<string, number>;
  /** Per error type, what the failures said (status and message, most frequent first). */
  errorSamples: SerializedErrorSamples;
  requestedRate: number;
  achievedRate: number;
  durationSeconds: number;
  /** Successful requests, from their scheduled send time (so client-side waiting is included), ms. */
  latency: LatencySummary;
  /** Time from the scheduled instant to the request's write to its connection (a late timer, a connection wait), ms. */
  sendDelay: LatencySummary;
  /** Streams only. */
  ttft: LatencySummary | null;
  exitCode: 0 | 1 | 2;
}

export async function loadPrompts(path: string | undefined): Promise<readonly string[]> {
  if (!path) return DEFAULT_PROMPTS;
  const parsed = z
    .array(z.string().min(1))
    .min(1)
    .safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: expected a JSON array of non-empty prompt strings`);
  return parsed.data;
}

/** An error class as the summary counts it: timeout, connection, or the HTTP status. */
export function errorType(m: RequestMeasurement): string {
  const c = m.errorClass ?? 'unknown';
  if (c.startsWith('timeout_')) return 'timeout';
  if (c === 'connect') return 'connection';
  if (c === 'http_4xx' || c === 'http_5xx' || c === 'rate_limited') return `http_${m.status}`;
  return c;
}

/**
 * Runs the load: requests are started on a fixed schedule (one every 1/(CONCURRENCY × QPS_PER_WORKER) s) whether
 * or not earlier ones have finished — an open loop, so the configured rate is the rate sent, unlike the original
 * whose workers waited for each answer. Lateness of the scheduler is measured, not hidden.
 */
export async function runLoadgen(
  cfg: LoadgenConfig,
  out: (line: string) => void = () => {},
): Promise<LoadgenResult> {
  const prompts = await loadPrompts(cfg.promptsFile);
  const rate = cfg.concurrency * cfg.qpsPerWorker;
  const intervalMs = 1000 / rate;
  const timeoutMs = cfg.timeoutSeconds * 1000;
  const client = new UpstreamClient({
    connections: cfg.concurrency * 4,
    timeouts: { firstByteMs: timeoutMs, idleMs: timeoutMs, totalMs: timeoutMs },
    http: cfg.httpClient,
  });
  const latency = new LatencyHistogram();
  const sendDelay = new LatencyHistogram();
  const ttft = new LatencyHistogram();
  const errorsByType: Record<string, number> = {};
  const samples = new ErrorSamples();
  let successes = 0;
  let errors = 0;
  let dropped = 0;
  let inFlight = 0;
  let started = 0;
  const pending = new Set<Promise<void>>();
  const t0 = monoNow();
  const end = t0 + cfg.durationSeconds * 1000;
  // A request starts at every t0 + i/rate inside the window: ⌈rate × duration⌉ of them, as constant mode
  // schedules. Computed from rate × duration with a little slack, so float error (1000/(1000/0.7) × 10 gave
  // 6.999… for 7) neither drops nor adds one.
  const exact = cfg.durationSeconds * rate;
  const total = Math.max(1, Math.ceil(exact - 1e-9 * Math.max(1, exact)));
  let firstSend = 0;
  let lastSend = 0;

  const fire = (i: number, scheduled: number): void => {
    if (inFlight >= cfg.maxInFlight) {
      dropped++;
      return;
    }
    inFlight++;
    started++;
    lastSend = monoNow();
    if (started === 1) firstSend = lastSend;
    const p = client
      .measure(
        {
          baseUrl: cfg.baseUrl,
          path: cfg.chatPath,
          ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}),
          body: {
            model: cfg.model,
            messages: [{ role: 'user', content: prompts[i % prompts.length] }],
            temperature: cfg.temperature,
            max_tokens: cfg.maxTokens,
            stream: cfg.stream,
          },
        },
        { collectContent: false },
      )
      .then((m) => {
        sendDelay.record(Math.max(0, m.tSend - scheduled));
        if (m.ok) {
          successes++;
          latency.record(Math.max(0, monoNow() - scheduled));
          if (m.ttft !== null) ttft.record(m.ttft);
        } else {
          errors++;
          const t = errorType(m);
          errorsByType[t] = (errorsByType[t] ?? 0) + 1;
          samples.note(t, m.status, m.errorMessage ?? '');
        }
      })
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  };

  const progress =
    cfg.progressSeconds > 0
      ? setInterval(
          () =>
            out(
              `Progress: ${((monoNow() - t0) / 1000).toFixed(0)}s ${successes} ok, ${errors} errors, ${inFlight} in flight`,
            ),
          cfg.progressSeconds * 1000,
        )
      : undefined;
  progress?.unref();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = monoNow();
      // Start everything that is due (a late timer catches up; the lateness is in sendDelay).
      while (next < total && t0 + next * intervalMs <= now) {
        fire(next, t0 + next * intervalMs);
        next++;
      }
      if (next >= total || now >= end) return resolve();
      setTimeout(tick, Math.max(0, t0 + next * intervalMs - monoNow()));
    };
    tick();
  });
  const sentFor = (monoNow() - t0) / 1000;
  await Promise.all([...pending]);
  if (progress) clearInterval(progress);
  await client.close();
  const requested = total;
  const done = successes + errors;
  // A request dropped (MAX_IN_FLIGHT open) was load the endpoint did not take: it counts as failed for the rate.
  const failed = errors + dropped;
  const tried = done + dropped;
  const exitCode: 0 | 1 | 2 = successes === 0 ? 2 : tried > 0 && failed / tried > cfg.maxErrorRate ? 1 : 0;
  return {
    url: `${cfg.baseUrl.replace(/\/$/, '')}${cfg.chatPath}`,
    requested,
    successes,
    errors,
    dropped,
    errorsByType,
    errorSamples: samples.toJSON(),
    requestedRate: rate,
    // As RunMetrics defines it: n sends span n − 1 gaps, from the first send to the last.
    achievedRate: started > 1 && lastSend > firstSend ? ((started - 1) * 1000) / (lastSend - firstSend) : 0,
    durationSeconds: sentFor,
    latency: latency.summary(),
    sendDelay: sendDelay.summary(),
    ttft: cfg.stream ? ttft.summary() : null,
    exitCode,
  };
}

/** The original's one-line summary, then what it never reported: rates, errors by type, send delay. */
export function summaryLines(r: LoadgenResult): string[] {
  const ms = (x: number): string => x.toFixed(1);
  const lines = [
    `requests=${r.successes} successful, ${r.errors} errors, p50=${ms(r.latency.p50)}ms p95=${ms(r.latency.p95)}ms mean=${ms(r.latency.mean)}ms url=${r.url}`,
    `rate: requested ${r.requestedRate.toFixed(2)}/s, achieved ${r.achievedRate.toFixed(2)}/s over ${r.durationSeconds.toFixed(1)}s; dropped ${r.dropped}; send delay p50=${ms(r.sendDelay.p50)}ms p99=${ms(r.sendDelay.p99)}ms`,
    `errors by type: ${
      Object.entries(r.errorsByType)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || 'none'
    }`,
  ];
  // What each type of failure said (its most frequent message), so a 404 or 401 is explained, not only counted.
  for (const [type, c] of Object.entries(r.errorSamples)) {
    const top = c.samples[0];
    if (top !== undefined) lines.push(`  ${type} (${top.count}x): ${top.message || '(no message)'}`);
  }
  if (r.ttft) lines.push(`ttft: p50=${ms(r.ttft.p50)}ms p95=${ms(r.ttft.p95)}ms`);
  if (r.exitCode === 2)
    lines.push('ERROR: No successful requests. Check AIM_BASE_URL, AIM_MODEL and AIM_API_KEY.');
  if (r.exitCode === 1) lines.push('ERROR: error rate (dropped requests included) above MAX_ERROR_RATE.');
  return lines;
}
