import { monoNow, monoToEpoch } from '@llmops/core';
import { RunMetrics } from '../metrics/run-metrics.js';
import { SWEEP_GOODPUT_RATIO, type SerializedSweepStep } from '../metrics/run-result.js';
import type { Rng } from '../scenario/random.js';
import { arrivalGaps } from './arrivals.js';
import type { JobFactory } from './job-factory.js';
import type { LoadRun } from './load-run.js';

/**
 * Open loop: requests go out at their scheduled instants whether or not earlier ones have finished. A timer that
 * fires late sends everything due at once; each request's wait past its slot is its queueing delay (reported, so
 * coordinated omission cannot hide). Ends after `durationS` or when the run stops.
 */
export async function openLoop(
  run: LoadRun,
  jobs: JobFactory,
  kind: 'constant' | 'poisson',
  rate: number,
  durationS: number,
  rng: Rng,
): Promise<void> {
  const gap = arrivalGaps(kind, rate, rng, run.plan.burstiness);
  const users = Math.max(1, run.plan.users.count);
  const t0 = monoNow();
  const end = t0 + durationS * 1000;
  let next = t0 + gap();
  let n = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = monoNow();
      while (next <= now && next < end && !run.stopped) {
        void run.send(jobs.job(n % users, rng, monoToEpoch(next)));
        n++;
        next += gap();
      }
      if (run.stopped || next >= end) {
        run.signal.removeEventListener('abort', onStop);
        clearTimeout(timer);
        resolve();
        return;
      }
      timer = setTimeout(tick, next - monoNow());
    };
    const onStop = (): void => tick();
    let timer = setTimeout(tick, Math.max(0, next - monoNow()));
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
 * higher rates only queue more. Rates are this worker's share.
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
