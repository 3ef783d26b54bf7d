import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Slo } from '../metrics/run-metrics.js';
import type { LoadPhasePlan } from '../engine/load-pattern.js';
import {
  NO_ERROR_HANDLING,
  type ErrorHandlingPlan,
  type LimitsPlan,
  type RunPlan,
  type TestTypePlan,
} from '../engine/run-plan.js';
import type { Spread } from '../scenario/index.js';
import {
  newTestRunId,
  type LoadTestScenario,
  type ScenarioLimits,
  type ScenarioTestType,
  type ScenarioUserBehavior,
} from '../scenario/index.js';
import type { LoadtestRunConfig } from './loadtest-run-config.js';

/** The original's default model when a test type names none. */
export const DEFAULT_MODEL = 'gpt-4o';
/** The original starts its users 100 ms apart. */
export const USER_STAGGER_MS = 100;
/** Rate and concurrency runs with neither a duration nor a request budget run this long. */
export const DEFAULT_DURATION_S = 60;
/** The original's rule: questions shorter than this go to the small model. */
const SHORT_QUESTION_CHARS = 100;

export function newWorkerId(): string {
  return `worker-${hostname()}-${randomBytes(4).toString('hex')}`;
}

/** Simulated users of a scenario: the original bootstraps `users.perOrg.min` users in each organization. */
export function scenarioUsers(s: LoadTestScenario): number {
  return s.spec.organizations.count * s.spec.users.perOrg.min;
}

/** A user-facing problem with the flags and scenario together (e.g. sweep mode without rates). */
export class PlanError extends Error {
  override readonly name = 'PlanError';
}

const ms = (v: number | undefined): number | undefined => (v === undefined ? undefined : v / 1000);
const positiveOrNull = (v: number | undefined): number | null => (v !== undefined && v > 0 ? v : null);

function testTypeOf(t: ScenarioTestType, streamOverride: boolean | undefined): TestTypePlan {
  return {
    name: t.name,
    weight: t.weight,
    strategy: t.questionStrategy,
    cacheBehavior: t.cacheBehavior ?? (t.cacheSalt ? 'prefer' : 'avoid'),
    cacheSalt: t.cacheSalt ?? null,
    stream: streamOverride ?? t.streamingResponse,
    slmModels: t.modelTargeting?.slmModels ?? [],
    mediumModels: t.modelTargeting?.mediumModels ?? [],
    shortQuestionChars: SHORT_QUESTION_CHARS,
    long: t.name.startsWith('long') || t.documentLibrary?.enabled === true,
  };
}

function defaultTestType(stream: boolean): TestTypePlan {
  return {
    name: 'default',
    weight: 100,
    strategy: 'mixed',
    cacheBehavior: 'avoid',
    cacheSalt: null,
    stream,
    slmModels: [],
    mediumModels: [],
    shortQuestionChars: SHORT_QUESTION_CHARS,
    long: false,
  };
}

const NO_THINK_TIME: Spread = { base: 0, variance: 0, distribution: 'fixed', min: 0, max: 0 };

const scaled = (s: Spread, k: number): Spread =>
  k === 1 ? s : { ...s, base: s.base * k, variance: s.variance * k, min: s.min * k, max: s.max * k };

const fixed = (base: number): Spread => ({ base, variance: 0, distribution: 'fixed', min: 1, max: base });

function sloOf(cfg: LoadtestRunConfig, fromScenario: Slo | undefined): Slo | null {
  const slo: Slo = { ...fromScenario };
  if (cfg.sloTtft !== undefined) slo.ttftMs = cfg.sloTtft;
  if (cfg.sloTpot !== undefined) slo.tpotMs = cfg.sloTpot;
  if (cfg.sloE2e !== undefined) slo.e2eMs = cfg.sloE2e;
  return Object.keys(slo).length > 0 ? slo : null;
}

function sweepOf(cfg: LoadtestRunConfig, s: LoadTestScenario | null): RunPlan['sweep'] {
  const from = s?.spec.load.sweep;
  const startRate = cfg.sweepStart ?? from?.startRate;
  const endRate = cfg.sweepEnd ?? from?.endRate;
  const steps = cfg.sweepSteps ?? from?.steps ?? 5;
  const stepDurationS = ms(cfg.sweepStepDuration) ?? from?.stepDurationSec ?? 30;
  if (startRate === undefined || endRate === undefined)
    throw new PlanError(
      'sweep mode needs --sweep-start and --sweep-end (or spec.load.sweep in the scenario)',
    );
  if (!(endRate > startRate))
    throw new PlanError(`sweep end rate (${endRate}) must be greater than its start rate (${startRate})`);
  return { startRate, endRate, steps, stepDurationS };
}

function sessionOf(d: ScenarioUserBehavior['sessionDuration']): RunPlan['users']['sessionS'] {
  if (!d || (d.min === undefined && d.max === undefined)) return null;
  const min = d.min ?? d.max ?? 0;
  return { min, max: d.max ?? min, distribution: d.distribution ?? 'uniform' };
}

function patternOf(s: LoadTestScenario | null, mode: RunPlan['mode']): LoadPhasePlan[] | null {
  const p = s?.spec.loadPattern;
  if (!p) return null;
  if (mode !== 'users')
    throw new PlanError(
      `spec.loadPattern sets how many simulated users are active, so it needs users mode (the run is in ${mode} mode)`,
    );
  return p.phases.map((ph) => ({
    name: ph.name,
    durationS: ph.duration,
    targetUsers: ph.targetActiveUsers,
    ramp: ph.rampStrategy,
  }));
}

function errorHandlingOf(e: ScenarioUserBehavior['errorHandling']): ErrorHandlingPlan {
  if (!e) return NO_ERROR_HANDLING;
  return {
    retryAttempts: e.retryAttempts ?? 0,
    retryBackoffMs: e.retryBackoffMs ?? 0,
    ignoreStatuses: e.ignoreErrorCodes ?? [],
    stopOnErrors: positiveOrNull(e.stopOnErrors),
  };
}

/**
 * The run's limits, flags over the scenario. A limit of 0 is off wherever it comes from — the scenario's rule
 * (`0 = off`), which `--max-cost 0`, `--max-duration 0`, `--max-error-rate 0` and their env vars follow rather
 * than stopping at once; `--max-requests` and `--max-concurrent` refuse 0 outright (at least 1).
 */
function limitsOf(cfg: LoadtestRunConfig, l: ScenarioLimits | undefined): LimitsPlan {
  // A flag given as 0 turns the limit off, even when the scenario sets one.
  const flag = (v: number | undefined, fromScenario: number | undefined): number | null =>
    positiveOrNull(v ?? fromScenario);
  return {
    maxRequests: flag(cfg.maxRequests, l?.maxRequests),
    maxDurationS: flag(ms(cfg.maxDuration), l?.maxDurationSec),
    maxCostUSD: flag(cfg.maxCost, l?.maxCostUSD),
    maxErrorRate: flag(cfg.maxErrorRate, l?.maxErrorRate),
    maxConcurrent: flag(cfg.maxConcurrent, l?.maxConcurrentReqs),
  };
}

/**
 * Concurrency, maxRequests and maxConcurrentReqs are split among the workers (engine/run-plan.ts); each worker
 * needs at least one of each, else it would send nothing (or, for slots, wait forever).
 */
function checkSplit(
  mode: RunPlan['mode'],
  concurrency: number | null,
  limits: LimitsPlan,
  workers: number,
): void {
  if (workers === 1) return;
  const tooFew = (what: string, n: number | null): void => {
    if (n !== null && n < workers)
      throw new PlanError(
        `${what} is ${n}, split among ${workers} workers: each needs at least one, so give ${workers} or more, or run fewer workers`,
      );
  };
  if (mode === 'concurrency') tooFew('--concurrency / spec.load.concurrency', concurrency);
  tooFew('--max-requests / spec.limits.maxRequests', limits.maxRequests);
  tooFew('--max-concurrent / spec.limits.maxConcurrentReqs', limits.maxConcurrent);
}

/** Scenario (if any) + flags → one worker's plan. Flags win over the scenario. */
export function planOf(cfg: LoadtestRunConfig, s: LoadTestScenario | null, users: number): RunPlan {
  // An Indexed Job with parallelism N runs N workers; the scenario's `workers.replicas` says N when --workers does not.
  const workers = cfg.workers ?? s?.spec.workers?.replicas ?? 1;
  if (cfg.workerIndex >= workers)
    throw new PlanError(
      `worker index ${cfg.workerIndex} is outside 0..${workers - 1} (${cfg.workers === undefined ? 'spec.workers.replicas' : '--workers'} ${workers})`,
    );
  const spec = s?.spec;
  const baseUrl = cfg.url ?? spec?.targets.apiRouterUrl;
  if (!baseUrl) throw new PlanError('no endpoint to test: give a scenario or --url');
  const mode = cfg.mode ?? spec?.load.mode ?? (s ? 'users' : 'concurrency');
  const rate = cfg.rate ?? spec?.load.rate ?? null;
  const concurrency = cfg.concurrency ?? spec?.load.concurrency ?? (s ? null : 1);
  if ((mode === 'constant' || mode === 'poisson') && rate === null)
    throw new PlanError(`${mode} mode needs a rate: --rate <requests per second>`);
  if (mode === 'concurrency' && concurrency === null)
    throw new PlanError('concurrency mode needs --concurrency <requests in flight>');
  const limits = limitsOf(cfg, spec?.limits);
  checkSplit(mode, concurrency, limits, workers);
  let durationS = ms(cfg.duration) ?? spec?.load.durationSec ?? null;
  if (durationS === null && mode !== 'users' && mode !== 'sweep' && limits.maxRequests === null)
    durationS = limits.maxDurationS ?? DEFAULT_DURATION_S;
  const ub = spec?.userBehavior;
  const types = spec?.testTypes ?? [];
  const sessionS = sessionOf(ub?.sessionDuration);
  return {
    testRunId: cfg.testRunId ?? s?.metadata.testRunId ?? newTestRunId(),
    workerId: newWorkerId(),
    shard: { index: cfg.workerIndex, count: workers },
    scenario: s?.metadata.name ?? 'adhoc',
    seed: cfg.seed,
    target: {
      baseUrl,
      chatPath: spec?.targets.chatPath ?? '/v1/chat/completions',
      timeoutS: ms(cfg.timeout) ?? spec?.targets.timeout ?? 60,
      headers: spec?.targets.headers ?? {},
      httpClient: cfg.httpClient,
    },
    mode,
    rate,
    burstiness: cfg.burstiness ?? spec?.load.burstiness ?? 1,
    concurrency,
    durationS,
    warmupS: ms(cfg.warmup) ?? spec?.load.warmupSec ?? 0,
    sweep: mode === 'sweep' ? sweepOf(cfg, s) : null,
    users: {
      count: Math.max(1, users),
      // With only a sessionDuration, a session asks questions until its time is up.
      questionsPerSession: ub?.questionsPerSession ?? (sessionS ? null : { min: 1, max: 1 }),
      sessionS,
      pattern: patternOf(s, mode),
      thinkTime: scaled(ub?.thinkTimeSeconds ?? NO_THINK_TIME, cfg.thinkTimeScale),
      multiTurnProbability: ub?.conversationStyle.multiTurnProbability ?? 0,
      turnsPerConversation: ub?.conversationStyle.turnsPerConversation ?? null,
      retainContext: ub?.conversationStyle.contextRetention ?? true,
      continuous: types.some((t) => t.continuousLoop),
      staggerMs: USER_STAGGER_MS * cfg.thinkTimeScale,
    },
    testTypes:
      types.length > 0 ? types.map((t) => testTypeOf(t, cfg.stream)) : [defaultTestType(cfg.stream ?? false)],
    modelOverride: cfg.model ?? null,
    defaultModel: cfg.model ?? DEFAULT_MODEL,
    promptTokens: cfg.promptTokens !== undefined ? fixed(cfg.promptTokens) : (ub?.promptTokens ?? null),
    maxTokens: cfg.maxTokens !== undefined ? fixed(cfg.maxTokens) : (ub?.maxTokensPerRequest ?? null),
    questionTemplates: spec?.advanced?.questionTemplates ?? [],
    correlationId: spec?.advanced?.correlationId ?? null,
    dryRun: cfg.dryRun || spec?.advanced?.dryRun === true,
    temperature: ub?.temperature ?? null,
    limits,
    errorHandling: errorHandlingOf(ub?.errorHandling),
    pricing: spec?.pricing ?? {},
    slo: sloOf(cfg, spec?.load.slo),
  };
}
