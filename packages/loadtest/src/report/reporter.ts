import type { RequestRecord } from '../metrics/request-record.js';
import type { RunMode, RunResult } from '../metrics/run-result.js';

/** What a worker is doing, as the seed's `loadtest_worker_status` gauge numbers it. */
export type WorkerPhase = 'init' | 'bootstrapping' | 'running' | 'complete' | 'error';

export const WORKER_PHASE_CODE: Readonly<Record<WorkerPhase, number>> = {
  init: 0,
  bootstrapping: 1,
  running: 2,
  complete: 3,
  error: 4,
};

export interface RunStart {
  testRunId: string;
  workerId: string;
  scenario: string;
  mode: RunMode;
  target: string;
  /** Planned length in seconds when known (duration limit or sweep plan), else null. */
  plannedS: number | null;
  /** Planned number of requests when known (maxRequests), else null. */
  plannedRequests: number | null;
  requestedRate: number | null;
  users: number;
}

/** A snapshot of the run, taken about once a second for live views and periodic pushes. */
export interface LiveStatus {
  phase: WorkerPhase;
  elapsedS: number;
  plannedS: number | null;
  /** 0–1 when the end is known (time or request budget), else null. */
  progress: number | null;
  sent: number;
  ok: number;
  errors: number;
  inFlight: number;
  usersActive: number;
  /** Requests sent per second over the last few seconds. */
  currentRate: number;
  requestedRate: number | null;
  /** TTFT percentiles of the streamed answers over the last window of finished requests, ms. */
  ttftP50: number | null;
  ttftP95: number | null;
  /** Latency (send to complete body) percentiles of the JSON answers over the same window, ms. */
  latencyP50: number | null;
  latencyP95: number | null;
  outputTokensPerS: number;
  errorsByClass: Readonly<Record<string, number>>;
  costUSD: number;
  /** E.g. "step 3/6 at 12 req/s" during a sweep. */
  label: string | null;
}

/**
 * A consumer of a run's records: terminal view, Pushgateway, per-request JSONL, … Every hook is optional and
 * called from the run's event loop; `onRecord` is on the hot path and must not block or allocate much.
 */
export interface Reporter {
  /** Before the run starts: e.g. 'bootstrapping' while tenants are created. */
  onPhase?(phase: WorkerPhase): void;
  onStart?(start: RunStart): void | Promise<void>;
  onRecord?(record: RequestRecord): void;
  onTick?(status: LiveStatus): void;
  onEnd?(result: RunResult, status: LiveStatus): void | Promise<void>;
  /** Releases timers and files; called once after onEnd (or after a failure). */
  close?(): void | Promise<void>;
}
