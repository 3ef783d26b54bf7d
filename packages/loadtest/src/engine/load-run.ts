import { setMaxListeners } from 'node:events';
import { epochNow, monoNow, UpstreamClient, type RequestMeasurement } from '@llmops/core';
import { recordOf } from '../metrics/request-record.js';
import { RunMetrics } from '../metrics/run-metrics.js';
import type { StopReason } from '../metrics/run-result.js';
import type { LiveStatus, Reporter, WorkerPhase } from '../report/reporter.js';
import { LiveWindow } from './live-window.js';
import { patternPeakUsers, patternSeconds } from './load-pattern.js';
import { requestCost } from './pricing.js';
import { sleep } from './sleep.js';
import {
  MAX_RETRY_BACKOFF_MS,
  workerConcurrency,
  workerLimits,
  workerRate,
  type LimitsPlan,
  type RunPlan,
} from './run-plan.js';
import { Slots } from './slots.js';
import { shardCount } from './shards.js';

/** A chat message as sent upstream. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** One request the engine is about to send. */
export interface RequestJob {
  user: number;
  testType: string;
  model: string;
  messages: readonly ChatTurn[];
  stream: boolean;
  maxTokens: number | null;
  temperature: number | null;
  cacheSalt: string | null;
  /** Epoch ms at which it should go out; the wait until it really does is its queueing delay. */
  scheduledAt: number;
  /** Keep the answer text (multi-turn conversations need it). */
  collectContent: boolean;
}

/** The error rate is judged only once this many requests have finished, so one early failure cannot abort a run. */
export const ERROR_RATE_MIN_REQUESTS = 20;

/** Failures worth another try: the endpoint may answer next time. A 4xx other than 429 will not change. */
export const RETRYABLE_ERRORS: ReadonlySet<string> = new Set([
  'connect',
  'timeout_first_byte',
  'timeout_idle',
  'timeout_total',
  'rate_limited',
  'http_5xx',
  'stream_broken',
]);

/**
 * The state one worker's run shares across its modes: the HTTP client, the metrics (whole run and the current
 * sweep step), the limits, the live status and the reporters. `send` is the hot path.
 */
export class LoadRun {
  readonly client: UpstreamClient;
  readonly total: RunMetrics;
  step: RunMetrics | null = null;
  phase: WorkerPhase = 'init';
  inFlight = 0;
  usersActive = 0;
  label: string | null = null;
  stopReason: StopReason | null = null;
  readonly startedAt = epochNow();
  private readonly t0 = monoNow();
  private readonly stopper = new AbortController();
  /** Set when requests still in flight were aborted (Ctrl-C); other stops let them finish. */
  private cancelled = false;
  /** This worker's share of the run's limits. */
  private readonly limits: LimitsPlan;
  private readonly slots: Slots | null;
  private readonly live: LiveWindow;
  private readonly warmupEnd: number;
  private readonly pending = new Set<Promise<unknown>>();
  private ticker: NodeJS.Timeout | undefined;
  /** The target's headers, plus `X-Correlation-ID` when the scenario sets `advanced.correlationId`. */
  private readonly headers: Record<string, string>;
  /** Recorded failures whose status is not in `ignoreStatuses` (what maxErrorRate judges). */
  private countedErrors = 0;
  /** Requests that failed for good, retries spent, status not ignored (what stopOnErrors counts). */
  private finalErrors = 0;

  constructor(
    readonly plan: RunPlan,
    private readonly reporters: readonly Reporter[],
    private readonly keyFor: (user: number) => string | undefined,
  ) {
    const timeoutMs = plan.target.timeoutS * 1000;
    const connections = connectionsFor(plan);
    this.client = new UpstreamClient({
      timeouts: { firstByteMs: timeoutMs, idleMs: timeoutMs, totalMs: timeoutMs },
      ...(connections !== null ? { connections } : {}),
      ...(plan.target.httpClient ? { http: plan.target.httpClient } : {}),
    });
    this.total = new RunMetrics(plan.slo);
    this.limits = workerLimits(plan);
    this.slots = this.limits.maxConcurrent ? new Slots(this.limits.maxConcurrent) : null;
    this.live = new LiveWindow(this.t0);
    this.warmupEnd = this.startedAt + plan.warmupS * 1000;
    // Every waiting user and slot waiter listens on it (and removes its listener when done).
    setMaxListeners(0, this.stopper.signal);
    this.headers =
      plan.correlationId === null
        ? { ...plan.target.headers }
        : { ...plan.target.headers, 'x-correlation-id': plan.correlationId };
  }

  get signal(): AbortSignal {
    return this.stopper.signal;
  }

  get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  elapsedS(): number {
    return (monoNow() - this.t0) / 1000;
  }

  /** Ends the run: no new requests start. `cancel` also aborts those in flight. */
  stop(reason: StopReason, cancel = false): void {
    if (!this.stopReason) this.stopReason = reason;
    this.stopper.abort();
    if (cancel && !this.cancelled) {
      this.cancelled = true;
      // One call aborts everything in flight; a per-request abort listener cost ~2% of the generator's CPU.
      void this.client.destroy();
    }
  }

  startTicking(): void {
    const tick = (): void => {
      const s = this.status();
      for (const r of this.reporters) r.onTick?.(s);
    };
    this.ticker = setInterval(tick, 1000);
    this.ticker.unref();
  }

  stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
  }

  /**
   * Sends one request and records it, retrying a transient failure as `errorHandling` says (each try is a
   * request of its own in the metrics). Resolves to the last try's measurement, or null when the run stopped
   * before the first try could be sent.
   */
  send(job: RequestJob): Promise<RequestMeasurement | null> {
    const eh = this.plan.errorHandling;
    // Without retries or an error stop, one async layer less per request (this is the generator's hot path).
    const p =
      eh.retryAttempts > 0 || eh.stopOnErrors !== null ? this.sendWithRetries(job) : this.sendTracked(job, 1);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  /** Waits for every request started so far. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async sendWithRetries(job: RequestJob): Promise<RequestMeasurement | null> {
    const eh = this.plan.errorHandling;
    let m = await this.sendTracked(job, 1);
    for (let attempt = 2; m !== null && !m.ok && attempt <= eh.retryAttempts + 1; attempt++) {
      if (!RETRYABLE_ERRORS.has(m.errorClass ?? '') || this.stopped) break;
      const waitMs = Math.min(MAX_RETRY_BACKOFF_MS, eh.retryBackoffMs * 2 ** (attempt - 2));
      await sleep(waitMs, this.signal);
      const retry = await this.sendTracked({ ...job, scheduledAt: epochNow() }, attempt);
      if (retry === null) break;
      m = retry;
    }
    // Warm-up requests are not recorded, so they do not count toward stopOnErrors either.
    if (m !== null && !m.ok && !this.cancelled && !this.ignored(m) && this.measured(job)) {
      this.finalErrors++;
      const stopAt = eh.stopOnErrors;
      if (stopAt !== null && this.finalErrors >= stopAt) this.stop('stopOnErrors');
    }
    return m;
  }

  private ignored(m: RequestMeasurement): boolean {
    return this.plan.errorHandling.ignoreStatuses.includes(m.status);
  }

  private async sendTracked(job: RequestJob, attempt: number): Promise<RequestMeasurement | null> {
    if (!this.mayStart()) return null;
    if (this.slots) {
      const got = await this.slots.acquire(this.stopper.signal);
      if (!got) return null;
      if (!this.mayStart()) {
        this.slots.release();
        return null;
      }
    }
    this.inFlight++;
    if (this.measured(job)) this.noteSent();
    const apiKey = this.keyFor(job.user);
    const m = await this.client.measure(
      {
        baseUrl: this.plan.target.baseUrl,
        path: this.plan.target.chatPath,
        headers: this.headers,
        body: chatBody(job),
        ...(apiKey ? { apiKey } : {}),
      },
      { collectContent: job.collectContent },
    );
    this.inFlight--;
    this.slots?.release();
    // A request we cancelled ourselves says nothing about the endpoint.
    if (!m.ok && this.cancelled) return null;
    this.record(job, m, attempt);
    return m;
  }

  /** Warm-up requests are sent but neither recorded nor counted (sent, send span, maxRequests, stopOnErrors). */
  private measured(job: RequestJob): boolean {
    return job.scheduledAt >= this.warmupEnd;
  }

  /** Counts a measured send; the one that reaches maxRequests stops the run at once (it still finishes). */
  private noteSent(): void {
    const now = epochNow();
    this.total.noteSent(now);
    this.step?.noteSent(now);
    const max = this.limits.maxRequests;
    if (max !== null && this.total.sent >= max) this.stop('maxRequests');
  }

  /** Whether another request may go out; maxRequests has stopped the run already (see `noteSent`). */
  private mayStart(): boolean {
    if (this.stopped) return false;
    const cap = this.limits.maxCostUSD;
    if (cap !== null && this.projectedCost() >= cap) {
      this.stop('maxCost');
      return false;
    }
    return true;
  }

  /** Spent so far plus what the requests in flight will likely cost (the mean so far), to keep overspend small. */
  private projectedCost(): number {
    const t = this.total;
    const mean = t.requests > 0 ? t.costUSD / t.requests : 0;
    return t.costUSD + mean * (this.inFlight + 1);
  }

  private record(job: RequestJob, m: RequestMeasurement, attempt: number): void {
    const cost = m.ok ? requestCost(this.plan.pricing, job.model, m.promptTokens, m.outputTokens) : 0;
    const r = recordOf(m, {
      scheduledAt: job.scheduledAt,
      model: job.model,
      testType: job.testType,
      user: job.user,
      costUSD: cost,
      attempt,
    });
    if (!this.measured(job)) return;
    if (!m.ok && !this.ignored(m)) this.countedErrors++;
    this.total.record(r);
    this.step?.record(r);
    if (m.ok && m.ttft !== null) this.live.noteTtft(m.ttft);
    else if (m.ok && !m.streamed && m.e2e !== null) this.live.noteLatency(m.e2e);
    for (const rep of this.reporters) rep.onRecord?.(r);
    this.checkLimits();
  }

  private checkLimits(): void {
    const t = this.total;
    const maxErr = this.limits.maxErrorRate;
    if (maxErr !== null && t.requests >= ERROR_RATE_MIN_REQUESTS && this.countedErrors / t.requests > maxErr)
      this.stop('maxErrorRate');
    const cap = this.limits.maxCostUSD;
    if (cap !== null && t.costUSD >= cap) this.stop('maxCost');
  }

  status(): LiveStatus {
    const t = this.total;
    const elapsedS = this.elapsedS();
    const planned = plannedSeconds(this.plan);
    const w = this.live.sample(monoNow(), t.sent, t.outputTokens);
    const maxReq = this.limits.maxRequests;
    const progress =
      planned !== null
        ? Math.min(1, elapsedS / planned)
        : maxReq !== null
          ? Math.min(1, t.requests / maxReq)
          : null;
    return {
      phase: this.phase,
      elapsedS,
      plannedS: planned,
      progress,
      sent: t.sent,
      ok: t.ok,
      errors: t.errors,
      inFlight: this.inFlight,
      usersActive: this.usersActive,
      currentRate: w.rate,
      requestedRate: workerRate(this.plan),
      ttftP50: w.ttft.p50,
      ttftP95: w.ttft.p95,
      latencyP50: w.latency.p50,
      latencyP95: w.latency.p95,
      outputTokensPerS: w.tokensPerS,
      errorsByClass: Object.fromEntries(t.errorsByClass),
      costUSD: t.costUSD,
      label: this.label,
    };
  }
}

/**
 * Connections to open: no more than requests can be in flight (closed loop: the concurrency; users: one each;
 * any mode: maxConcurrentReqs). Without a bound undici opens a new connection whenever all are busy, which at
 * 1,000 streams overflowed the server's listen backlog and put SYN retries (1 s, 3 s) into measured TTFTs.
 * Open-loop modes without maxConcurrentReqs stay unbounded: their in-flight count is the server's to decide.
 */
export function connectionsFor(plan: RunPlan): number | null {
  const bounds: number[] = [];
  const maxConcurrent = workerLimits(plan).maxConcurrent;
  if (maxConcurrent !== null) bounds.push(maxConcurrent);
  const concurrency = workerConcurrency(plan);
  if (concurrency !== null) bounds.push(concurrency);
  if (plan.mode === 'users') {
    const users = Math.max(plan.users.count, plan.users.pattern ? patternPeakUsers(plan.users.pattern) : 0);
    bounds.push(Math.max(1, shardCount(users, plan.shard)));
  }
  return bounds.length > 0 ? Math.min(...bounds) : null;
}

/** How long the run is planned to last, when that is known in advance. */
export function plannedSeconds(plan: RunPlan): number | null {
  if (plan.mode === 'sweep' && plan.sweep) return plan.sweep.steps * plan.sweep.stepDurationS;
  if (plan.mode === 'users' && plan.users.pattern) {
    const s = patternSeconds(plan.users.pattern);
    return plan.limits.maxDurationS === null ? s : Math.min(s, plan.limits.maxDurationS);
  }
  const d = plan.durationS ?? plan.limits.maxDurationS;
  return d === null ? null : d + plan.warmupS;
}

function chatBody(job: RequestJob): Record<string, unknown> {
  const body: Record<string, unknown> = { model: job.model, messages: job.messages, stream: job.stream };
  // Without usage in the stream, output tokens could only be counted as chunks.
  if (job.stream) body['stream_options'] = { include_usage: true };
  if (job.maxTokens !== null) body['max_tokens'] = job.maxTokens;
  if (job.temperature !== null) body['temperature'] = job.temperature;
  if (job.cacheSalt !== null) body['cache_salt'] = job.cacheSalt;
  return body;
}
