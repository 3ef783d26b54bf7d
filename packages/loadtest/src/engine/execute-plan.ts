import { epochNow } from '@llmops/core';
import {
  resultOf,
  type RunResult,
  type SerializedRun,
  type SerializedSweepStep,
  type StopReason,
} from '../metrics/run-result.js';
import type { Reporter } from '../report/reporter.js';
import { Rng } from '../scenario/random.js';
import { JobFactory } from './job-factory.js';
import { LoadRun, plannedSeconds } from './load-run.js';
import { closedLoop, openLoop, sweep } from './modes.js';
import { shardUsers } from './shards.js';
import { patternLoop, usersLoop } from './simulated-users.js';
import { workerConcurrency, workerLimits, workerRate, type RunPlan } from './run-plan.js';

export interface ExecuteOptions {
  reporters?: readonly Reporter[];
  /** The API key of a (global) user index; undefined sends no Authorization header. */
  keyFor?: (user: number) => string | undefined;
  /** Fires to interrupt the run (Ctrl-C): requests in flight are cancelled, what finished is reported. */
  signal?: AbortSignal;
}

export interface Execution {
  run: SerializedRun;
  result: RunResult;
}

/** Runs one worker's part of a plan to its end and returns its serialized metrics and the (single-worker) result. */
export async function executePlan(plan: RunPlan, opts: ExecuteOptions = {}): Promise<Execution> {
  const reporters = opts.reporters ?? [];
  const rng = new Rng(`${plan.seed}:${plan.shard.index}`);
  const jobs = new JobFactory(plan);
  const users = shardUsers(plan.users.count, plan.shard);
  const rate = workerRate(plan);
  const concurrency = workerConcurrency(plan);
  const measureS = plan.durationS === null ? null : plan.durationS + plan.warmupS;
  const run = new LoadRun(plan, reporters, opts.keyFor ?? (() => undefined));
  const onInterrupt = (): void => run.stop('interrupted', true);
  if (opts.signal?.aborted) onInterrupt();
  opts.signal?.addEventListener('abort', onInterrupt, { once: true });
  const timers: NodeJS.Timeout[] = [];
  const stopAfter = (s: number | null, reason: StopReason): void => {
    if (s === null) return;
    const t = setTimeout(() => run.stop(reason), s * 1000);
    t.unref();
    timers.push(t);
  };
  let steps: SerializedSweepStep[] | null = null;
  // Everything from here on is undone in `finally`, even when a reporter fails to start (e.g. a --jsonl path in a
  // missing folder): the caller's abort listener, the timers, the HTTP client.
  try {
    stopAfter(plan.limits.maxDurationS, 'duration');
    for (const r of reporters)
      await r.onStart?.({
        testRunId: plan.testRunId,
        workerId: plan.workerId,
        scenario: plan.scenario,
        mode: plan.mode,
        target: plan.target.baseUrl,
        plannedS: plannedSeconds(plan),
        plannedRequests: workerLimits(plan).maxRequests,
        requestedRate: plan.rate,
        users: users.length,
      });
    run.phase = 'running';
    run.startTicking();
    if (plan.dryRun) run.stop('completed');
    else
      switch (plan.mode) {
        case 'constant':
        case 'poisson':
          await openLoop(run, jobs, plan.mode, rate ?? 0, measureS ?? Infinity, rng);
          break;
        case 'concurrency':
          await closedLoop(run, jobs, concurrency ?? 1, measureS, rng);
          break;
        case 'users':
          // spec.load.durationSec / --duration: users keep going (continuousLoop, a load pattern) until then.
          stopAfter(measureS, 'duration');
          if (plan.users.pattern) await patternLoop(run, jobs, rng);
          else await usersLoop(run, jobs, users, rng);
          break;
        case 'sweep':
          steps = await sweep(run, jobs, rng);
          break;
      }
    if (!run.stopReason) run.stop(run.plan.mode === 'users' ? 'completed' : 'duration');
    run.label = 'finishing the requests in flight';
    await run.drain();
    run.phase = 'complete';
  } catch (err) {
    run.phase = 'error';
    run.stop('error', true);
    await run.drain();
    throw err;
  } finally {
    for (const t of timers) clearTimeout(t);
    run.stopTicking();
    opts.signal?.removeEventListener('abort', onInterrupt);
    await run.client.close();
  }
  const serialized: SerializedRun = {
    kind: 'llmops-loadtest-run',
    v: 1,
    workers: [
      {
        testRunId: plan.testRunId,
        workerId: plan.workerId,
        shard: plan.shard,
        scenario: plan.scenario,
        mode: plan.mode,
        target: plan.target.baseUrl,
        startedAt: run.startedAt,
        endedAt: epochNow(),
        requestedRate: rate,
        concurrency,
        users: users.length,
        stopReason: run.stopReason ?? 'completed',
      },
    ],
    metrics: run.total.toJSON(),
    sweep: steps,
  };
  const result = resultOf([serialized]);
  const status = run.status();
  for (const r of reporters) await r.onEnd?.(result, status);
  return { run: serialized, result };
}
