import type { RunReport } from './run-report.js';
import { buildReport } from './run-report.js';
import { RunMetrics, type SerializedRunMetrics } from './run-metrics.js';

export type RunMode = 'users' | 'concurrency' | 'constant' | 'poisson' | 'sweep' | 'loadgen';

/** Why a run (or sweep step) ended. */
export type StopReason =
  | 'completed'
  | 'duration'
  | 'maxRequests'
  | 'maxCost'
  | 'maxErrorRate'
  | 'stopOnErrors'
  | 'interrupted'
  | 'error';

/** One worker's place in a distributed run: worker `index` of `count` (the split itself: engine/shards.ts). */
export interface Shard {
  index: number;
  count: number;
}

/** Facts about one worker's run that are not metrics. */
export interface WorkerMeta {
  testRunId: string;
  workerId: string;
  /** This worker's share, e.g. users 0–24 of 50. */
  shard: Shard;
  scenario: string;
  mode: RunMode;
  target: string;
  startedAt: number;
  endedAt: number;
  /** Requests per second this worker was asked to send (open-loop modes), else null. */
  requestedRate: number | null;
  concurrency: number | null;
  users: number;
  stopReason: StopReason;
}

/** One step of a sweep: the rate asked for and what came of it. */
export interface SerializedSweepStep {
  requestedRate: number;
  metrics: SerializedRunMetrics;
}

/** What a worker writes (`--json`, or the distributed run's per-worker file); `llmops loadtest merge` reads these. */
export interface SerializedRun {
  kind: 'llmops-loadtest-run';
  v: 1;
  workers: WorkerMeta[];
  metrics: SerializedRunMetrics;
  sweep: SerializedSweepStep[] | null;
}

export interface SweepStepReport {
  requestedRate: number;
  achievedRate: number;
  meetsSlo: boolean;
  report: RunReport;
}

/** The final, human-facing view of a run (what the summary, JSON and HTML outputs show). */
export interface RunResult {
  testRunId: string;
  scenario: string;
  mode: RunMode;
  target: string;
  workers: WorkerMeta[];
  startedAt: number;
  endedAt: number;
  stopReason: StopReason;
  /** Sum of the workers' requested rates; null for closed-loop modes. */
  requestedRate: number | null;
  /** Requests sent per second over the sending window (first to last send). */
  achievedRate: number;
  report: RunReport;
  sweep: SweepStepReport[] | null;
  /**
   * Highest requested rate of the sweep whose steps up to it met the SLO (goodput ratio ≥ sweepGoodputRatio),
   * among the steps every worker ran.
   */
  maxRateMeetingSlo: number | null;
}

/** A sweep step meets the SLO when at least this share of its requests are good. */
export const SWEEP_GOODPUT_RATIO = 0.95;

const WORST: StopReason[] = [
  'error',
  'interrupted',
  'maxErrorRate',
  'stopOnErrors',
  'maxCost',
  'maxRequests',
  'duration',
  'completed',
];

/**
 * A sweep step's report. Its throughputs are the achieved send rate times the share of the step's requests that
 * were ok / good (and tokens per request): a step is short, and dividing by first send → last answer would count
 * the wait for its last answers as if the server had been idle (a step at 8 req/s with 99% good requests showed
 * ~6.6 good/s that way).
 */
export function stepReport(step: SerializedSweepStep): SweepStepReport {
  const m = RunMetrics.fromJSON(step.metrics);
  const built = buildReport(m);
  const perSent = (n: number): number => (m.requests > 0 ? (m.achievedRate * n) / m.requests : 0);
  const report: RunReport = {
    ...built,
    throughput: {
      ...built.throughput,
      requestsPerS: perSent(m.ok),
      goodputPerS: perSent(m.goodput),
      outputTokensPerS: perSent(m.outputTokens),
      totalTokensPerS: perSent(m.outputTokens + m.promptTokens),
    },
  };
  return {
    requestedRate: step.requestedRate,
    achievedRate: m.achievedRate,
    meetsSlo: m.requests > 0 && report.goodput.ratio >= SWEEP_GOODPUT_RATIO,
    report,
  };
}

/** Turns one or more workers' serialized runs into the run's result. Order of `runs` does not matter. */
export function resultOf(runs: readonly SerializedRun[]): RunResult {
  if (runs.length === 0) throw new Error('no load-test runs to report');
  const workers = runs.flatMap((r) => r.workers).sort((a, b) => (a.workerId < b.workerId ? -1 : 1));
  const first = workers[0];
  if (!first) throw new Error('load-test run without worker metadata');
  const ids = new Set(workers.map((w) => w.testRunId));
  if (ids.size > 1) throw new Error(`runs of different tests cannot be merged: ${[...ids].join(', ')}`);
  // Worker ids are unique per run (`worker-<host>-<random>`): a repeat is the same file given twice.
  const seen = new Set<string>();
  for (const w of workers) {
    if (seen.has(w.workerId))
      throw new Error(
        `worker ${w.workerId} is in the runs more than once: give each worker's file once (merged twice, its requests would count twice)`,
      );
    seen.add(w.workerId);
  }
  const metrics = new RunMetrics(runs[0]?.metrics.slo ?? null);
  // Start from an empty metrics object so the result does not depend on which worker comes first.
  for (const r of runs) metrics.merge(RunMetrics.fromJSON(r.metrics));
  const startedAt = Math.min(...workers.map((w) => w.startedAt));
  const endedAt = Math.max(...workers.map((w) => w.endedAt));
  const rates = workers.map((w) => w.requestedRate);
  const sweep = mergeSweeps(runs);
  let maxRate: number | null = null;
  if (sweep)
    for (const s of sweep)
      if (s.meetsSlo) maxRate = s.requestedRate;
      else break;
  const stop = workers.map((w) => w.stopReason).sort((a, b) => WORST.indexOf(a) - WORST.indexOf(b))[0];
  return {
    testRunId: first.testRunId,
    scenario: first.scenario,
    mode: first.mode,
    target: first.target,
    workers,
    startedAt,
    endedAt,
    stopReason: stop ?? 'completed',
    requestedRate: rates.every((r) => r !== null) ? rates.reduce<number>((a, r) => a + (r ?? 0), 0) : null,
    achievedRate: metrics.achievedRate,
    report: buildReport(metrics),
    sweep,
    maxRateMeetingSlo: maxRate,
  };
}

/**
 * The sweep of a merged run. Step i of the run is step i of every worker together, at the sum of their rates; but
 * each worker stops its sweep on its own share's SLO, so workers may have run different numbers of steps. Only
 * the steps that every worker with a sweep ran are reported, stopping at the first step some worker did not run:
 * merging a step run by only some workers would report it at a fraction of its rate (and judge the SLO on part
 * of the load), so `maxRateMeetingSlo` is computed from the complete steps alone.
 */
function mergeSweeps(runs: readonly SerializedRun[]): SweepStepReport[] | null {
  const sweeps = runs.flatMap((r) => (r.sweep === null ? [] : [r.sweep]));
  if (sweeps.length === 0) return null;
  const complete = Math.min(...sweeps.map((s) => s.length));
  return Array.from({ length: complete }, (_, i) => {
    const steps = sweeps.map((s) => s[i]).filter((s) => s !== undefined);
    const m = new RunMetrics(steps[0]?.metrics.slo ?? null);
    for (const s of steps) m.merge(RunMetrics.fromJSON(s.metrics));
    const rate = steps.reduce((a, s) => a + s.requestedRate, 0);
    return stepReport({ requestedRate: rate, metrics: m.toJSON() });
  });
}
