import { createLogger } from '@llmops/core';
import type { RequestRecord } from '../metrics/request-record.js';
import type { RunResult } from '../metrics/run-result.js';
import { PushgatewayClient, PushFailedError } from './push/pushgateway-client.js';
import { WorkerMetrics } from './push/worker-metrics.js';
import type { LiveStatus, Reporter, RunStart, WorkerPhase } from './reporter.js';

/** The part of a logger reporters use (a pino logger fits). */
export interface ReporterLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PushgatewayReporterOptions {
  /** Pushgateway base URL, e.g. `http://localhost:9091`; `user:password@` becomes basic auth. */
  url: string;
  /** Job label of the group (the seed's `loadtest_worker`). */
  job?: string;
  /** How often metrics are pushed during the run, ms (the seed: 10 s). */
  intervalMs?: number;
  testRunId: string;
  workerId: string;
  log?: ReporterLog;
  /** Delete the group after the run instead of leaving its final values (the seed never deletes). */
  deleteOnEnd?: boolean;
  /** Deadline of one push request, ms. */
  timeoutMs?: number;
  /** Waits before each retry of the final push (or delete); one retry per entry. */
  finalRetryDelaysMs?: readonly number[];
}

export interface PushStats {
  /** Pushes (PUT) and deletions the gateway accepted. */
  succeeded: number;
  failed: number;
  /** Ticks skipped because the previous push had not finished. */
  skipped: number;
}

/** After this many failures in a row, only every this-many-th is logged as a warning (the rest at debug). */
const WARN_EVERY = 10;

/**
 * Pushes one worker's metrics to a Pushgateway, as the seed worker did: PUT to
 * `/metrics/job/<job>/test_run_id/<id>/worker_id/<id>` every `intervalMs` and once more at the end with status
 * complete (3) or error (4). Pushing never disturbs the run: a failed push is logged and the next tick tries
 * again with fresh values; a tick that comes while a push is still on its way is skipped, not queued.
 */
export class PushgatewayReporter implements Reporter {
  readonly metrics = new WorkerMetrics();
  private readonly client: PushgatewayClient;
  private readonly log: ReporterLog;
  private readonly intervalMs: number;
  private readonly deleteOnEnd: boolean;
  private readonly retryDelays: readonly number[];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private ended = false;
  /** The end-of-run push (or delete) while it is going on, so `close` waits for it. */
  private finishing: Promise<void> | null = null;
  private closed = false;
  private failedInARow = 0;
  private readonly counts: PushStats = { succeeded: 0, failed: 0, skipped: 0 };

  constructor(opts: PushgatewayReporterOptions) {
    this.intervalMs = opts.intervalMs ?? 10_000;
    if (!(Number.isFinite(this.intervalMs) && this.intervalMs >= 10))
      throw new RangeError(`Pushgateway push interval must be at least 10 ms, got ${opts.intervalMs}`);
    const timeoutMs = opts.timeoutMs ?? Math.min(10_000, Math.max(1_000, this.intervalMs));
    this.client = new PushgatewayClient({
      url: opts.url,
      job: opts.job ?? 'loadtest_worker',
      grouping: [
        ['test_run_id', opts.testRunId],
        ['worker_id', opts.workerId],
      ],
      timeoutMs,
    });
    this.log = opts.log ?? createLogger({ name: 'loadtest-pushgateway' });
    this.deleteOnEnd = opts.deleteOnEnd ?? false;
    this.retryDelays = opts.finalRetryDelaysMs ?? [250, 1_000, 3_000];
  }

  /** The group's URL, without credentials. */
  get groupUrl(): string {
    return this.client.groupUrl;
  }

  get stats(): Readonly<PushStats> {
    return { ...this.counts };
  }

  /** Shows the phase before the run (the seed's status 1 while bootstrapping) with one push. */
  onPhase(phase: WorkerPhase): void {
    if (this.ended) return;
    this.metrics.setPhase(phase);
    if (this.timer === null) this.tick();
  }

  onStart(_start: RunStart): void {
    this.metrics.setPhase('running');
    if (this.timer !== null || this.ended) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  onRecord(record: RequestRecord): void {
    this.metrics.record(record);
  }

  onTick(status: LiveStatus): void {
    if (!this.ended) this.metrics.setLive(status);
  }

  async onEnd(result: RunResult, status: LiveStatus): Promise<void> {
    if (this.ended) {
      await this.finishing;
      return;
    }
    // A run aborted by its error limits failed (it exits 1): status error, as one that broke.
    const failed = ['error', 'maxErrorRate', 'stopOnErrors'].includes(result.stopReason);
    const phase: WorkerPhase = status.phase === 'error' || failed ? 'error' : 'complete';
    this.metrics.setFinal(result, status, phase);
    await this.finish();
  }

  /** Stops pushing. A run that failed before `onEnd` still gets a last push with status error. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.ended) this.metrics.setPhase('error');
    await this.finish();
    await this.client.close().catch(() => undefined);
  }

  /** One periodic push, unless the previous one is still going. */
  private tick(): void {
    if (this.inFlight !== null) {
      this.counts.skipped++;
      this.log.debug({ url: this.groupUrl }, 'previous Pushgateway push still in flight; skipping this one');
      return;
    }
    const p = this.pushOnce().finally(() => {
      if (this.inFlight === p) this.inFlight = null;
    });
    this.inFlight = p;
  }

  private async pushOnce(): Promise<void> {
    try {
      await this.put();
      this.succeeded();
    } catch (err) {
      const fields = this.failed(err);
      const msg = 'Pushgateway push failed; trying again at the next interval';
      if (this.failedInARow === 1 || this.failedInARow % WARN_EVERY === 0) this.log.warn(fields, msg);
      else this.log.debug(fields, msg);
    }
  }

  private async put(): Promise<void> {
    const body = await this.metrics.exposition();
    await this.client.put(body, this.metrics.registry.contentType);
  }

  /** Stops the periodic pushes and makes the last one, once (the first caller starts it, later ones wait). */
  private finish(): Promise<void> {
    this.ended = true;
    this.finishing ??= this.pushFinal();
    return this.finishing;
  }

  private async pushFinal(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
    const action = this.deleteOnEnd ? 'delete' : 'final push';
    for (let attempt = 0; ; attempt++) {
      try {
        if (this.deleteOnEnd) await this.client.delete();
        else await this.put();
        this.succeeded();
        this.log.debug({ url: this.groupUrl, attempts: attempt + 1 }, `Pushgateway ${action} done`);
        return;
      } catch (err) {
        const fields = this.failed(err);
        const delay = this.retryDelays[attempt];
        if (delay === undefined) {
          this.log.error(fields, `Pushgateway ${action} failed after ${attempt + 1} attempts; giving up`);
          return;
        }
        this.log.warn(fields, `Pushgateway ${action} failed; retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private succeeded(): void {
    this.counts.succeeded++;
    if (this.failedInARow > 0)
      this.log.info(
        { url: this.groupUrl, failedPushes: this.failedInARow },
        'Pushgateway push succeeded again',
      );
    this.failedInARow = 0;
  }

  /** Counts a failure and returns what the log line about it says (the URL without credentials). */
  private failed(err: unknown): Record<string, unknown> {
    this.counts.failed++;
    this.failedInARow++;
    return {
      url: this.groupUrl,
      status: err instanceof PushFailedError ? err.status : null,
      error: err instanceof Error ? err.message : String(err),
      failedInARow: this.failedInARow,
    };
  }
}
