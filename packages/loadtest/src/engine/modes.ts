import { monoNow, monoToEpoch } from '@llmops/core';
import { RunMetrics } from '../metrics/run-metrics.js';
import { SWEEP_GOODPUT_RATIO, type SerializedSweepStep } from '../metrics/run-result.js';
import type { Rng } from '../scenario/random.js';
import { arrivalGaps } from './arrivals.js';
import type { JobFactory } from './job-factory.js';
import type { LoadRun } from './load-run.js';

/** Below float error of any window's length, far below a timer's resolution (ms). */
const SLACK_MS = 1e-6;

/**
 * Open loop: requests go out at their scheduled instants whether or not earlier ones have finished. A timer that
 * fires late sends everything due at once; each request's wait past its slot is its queueing delay (reported, so
 * coordinated omission cannot hide). Constant arrivals start at t0 (k-th at t0 + k/rate, so rate r for d seconds
 * sends ⌈r·d⌉ requests — 10 in 1 s at 10 req/s); Poisson arrivals start after a random first gap, as a Poisson
 * process does. Ends after `durationS` or when the run stops (at once if it already has).
 */
export async function openLoop(
  run: LoadRun,
  jobs: JobFactory,
  kind: 'constant' | 'poisson',
  rate: number,
  durationS: number,
  rng: Rng,
): Promise<void> {
  if (run.stopped) return;
  const gap = arrivalGaps(kind, rate, rng, run.plan.burstiness);
  const users = Math.max(1, run.plan.users.count);
  const t0 = monoNow();
  // Instants are kept as offsets from t0, and a constant one is computed from its index rather than summed gap by
  // gap; with SLACK_MS, float error (3 × 333.33… ms < 1000 ms) can neither add nor drop the last request of a window.
  const endMs = durationS * 1000 - SLACK_MS;
  const constantGapMs = kind === 'constant' ? gap() : 0;
  const offset = (k: number, previous: number): number =>
    kind === 'constant' ? k * constantGapMs : previous + gap();
  let n = 0;
  let next = offset(0, 0);
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = monoNow() - t0;
      while (next <= now && next < endMs && !run.stopped) {
        void run.send(jobs.job(n % users, rng, monoToEpoch(t0 + next)));
        n++;
        next = offset(n, next);
      }
      if (run.stopped || next >= endMs) {
        run.signal.removeEventListener('abort', onStop);
        clearTimeout(timer);
        resolve();
        return;
      }
      timer = setTimeout(tick, next - (monoNow() - t0));
    };
    const onStop = (): void => tick();
    let timer = setTimeout(tick, Math.max(0, next - (monoNow() - t0)));
    run.signal.addEventListener('abort', onStop, { once: true });
  });
}

/** Closed loop: `concurrency` requests are always in flight; each sends the next as soon as one finishes. */
export async function closedLoop(
  run: LoadRun,
  jobs: JobFactory,
  concurrency: number,
  durationS: number | null,
  rng: Rng,
): Promise<void> {
  const end = durationS === null ? Infinity : monoNow() + durationS * 1000;
  const users = Math.max(1, run.plan.users.count);
  const timer = durationS === null ? undefined : setTimeout(() => run.stop('duration'), durationS * 1000);
  const worker = async (w: number): Promise<void> => {
    let n = w;
    while (!run.stopped && monoNow() < end) {
      const r = await run.send(jobs.job(n % users, rng));
      if (r === null) return;
      n += concurrency;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  clearTimeout(timer);
}

/** The rates of a sweep, evenly spaced from start to end. */
export function sweepRates(s: { startRate: number; endRate: number; steps: number }): number[] {
  return Array.from(
    { length: s.steps },
    (_, i) => s.startRate + ((s.endRate - s.startRate) * i) / (s.steps - 1),
  );
}

/**
 * Sweep: constant-rate steps from startRate to endRate, each measured on its own (requests of a step are waited
 * for before the next starts, so steps do not overlap). Stops after the first step that misses the SLO, since
 * higher rates only queue more. Rates are this worker's share; in a distributed run each worker judges only its
 * own share, so workers may stop after different steps — the merge keeps only the steps every worker ran
 * (`resultOf` in metrics/run-result.ts).
 */
export async function sweep(run: LoadRun, jobs: JobFactory, rng: Rng): Promise<SerializedSweepStep[]> {
  const plan = run.plan.sweep;
  if (!plan) throw new Error('sweep mode needs a sweep plan');
  const share = run.plan.shard.count;
  const steps: SerializedSweepStep[] = [];
  const rates = sweepRates(plan);
  for (const [i, rate] of rates.entries()) {
    if (run.stopped) break;
    run.step = new RunMetrics(run.plan.slo);
    run.label = `step ${i + 1}/${rates.length} at ${rate.toFixed(2)} req/s`;
    await openLoop(run, jobs, 'constant', rate / share, plan.stepDurationS, rng);
    await run.drain();
    const m = run.step;
    run.step = null;
    steps.push({ requestedRate: rate / share, metrics: m.toJSON() });
    const good = m.requests > 0 ? m.goodput / m.requests : 0;
    if (good < SWEEP_GOODPUT_RATIO) break;
  }
  run.label = null;
  return steps;
}
