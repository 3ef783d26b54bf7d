import type { Slo } from '../metrics/run-metrics.js';
import type { RunMode, Shard } from '../metrics/run-result.js';
import type { QuestionStrategy, Spread } from '../scenario/index.js';
import type { LoadPhasePlan } from './load-pattern.js';
import type { PriceTable } from './pricing.js';
import { shardCount } from './shards.js';

export interface TestTypePlan {
  name: string;
  weight: number;
  strategy: QuestionStrategy;
  cacheBehavior: 'avoid' | 'prefer' | 'mixed';
  cacheSalt: string | null;
  stream: boolean;
  /** Small and medium models; a question shorter than `shortQuestionChars` goes to the first small one. */
  slmModels: readonly string[];
  mediumModels: readonly string[];
  shortQuestionChars: number;
  /** Long-document prompts (≥ 200 tokens), synthesized locally. */
  long: boolean;
}

/** What the client does about failed requests (the scenario's `userBehavior.errorHandling`). */
export interface ErrorHandlingPlan {
  /** Retries of a request that failed transiently (connect, timeouts, 429, 5xx, broken stream); 0 = none. */
  retryAttempts: number;
  /** Wait before the first retry; it doubles for each further one (capped at {@link MAX_RETRY_BACKOFF_MS}). */
  retryBackoffMs: number;
  /** HTTP statuses that never count toward `stopOnErrors` or `maxErrorRate` (still reported, still retried). */
  ignoreStatuses: readonly number[];
  /** Stop the run once this many requests have failed for good (after their retries); null = never. */
  stopOnErrors: number | null;
}

export const MAX_RETRY_BACKOFF_MS = 30_000;

export const NO_ERROR_HANDLING: ErrorHandlingPlan = {
  retryAttempts: 0,
  retryBackoffMs: 0,
  ignoreStatuses: [],
  stopOnErrors: null,
};

/** Limits of the whole run (all workers together); {@link workerLimits} gives one worker's share. */
export interface LimitsPlan {
  maxRequests: number | null;
  maxDurationS: number | null;
  maxCostUSD: number | null;
  maxErrorRate: number | null;
  maxConcurrent: number | null;
}

/**
 * Everything the engine needs for one worker's run, independent of where it came from (a LoadTestScenario file,
 * CLI flags, or the loadgen env contract).
 */
export interface RunPlan {
  testRunId: string;
  workerId: string;
  shard: Shard;
  scenario: string;
  seed: number;
  target: {
    baseUrl: string;
    chatPath: string;
    timeoutS: number;
    headers: Readonly<Record<string, string>>;
    /** HTTP client for plain-http targets (see `UpstreamClientOptions.http`); lean when absent. */
    httpClient?: 'lean' | 'undici';
  };
  mode: Exclude<RunMode, 'loadgen'>;
  /** Requests per second for constant/poisson (whole run, before sharding). */
  rate: number | null;
  burstiness: number;
  /** Parallel requests for `concurrency` mode (whole run, before sharding). */
  concurrency: number | null;
  /** Length of the measured run; users mode also ends earlier when every session is done (sweep: its steps). */
  durationS: number | null;
  /** Requests in this first stretch are sent but not recorded. */
  warmupS: number;
  sweep: { startRate: number; endRate: number; steps: number; stepDurationS: number } | null;
  users: {
    count: number;
    /** null: no count, a session lasts its `sessionS` (the scenario gave a sessionDuration only). */
    questionsPerSession: { min: number; max: number } | null;
    /** `userBehavior.sessionDuration`: a session also ends once this long (seconds, drawn per session). */
    sessionS: { min: number; max: number; distribution: 'uniform' | 'gaussian' } | null;
    /** `spec.loadPattern`: active users over time (users mode); null = every user from the start. */
    pattern: readonly LoadPhasePlan[] | null;
    thinkTime: Spread;
    multiTurnProbability: number;
    /** `conversationStyle.turnsPerConversation` and `contextRetention` (see engine/conversation.ts). */
    turnsPerConversation: { min: number; max: number } | null;
    retainContext: boolean;
    /** Start sessions again until a limit ends the run. */
    continuous: boolean;
    /** Users start this far apart (ms). */
    staggerMs: number;
  };
  testTypes: readonly TestTypePlan[];
  /** Sends every request to this model, whatever the test types say (e.g. to point examples at a simulator). */
  modelOverride: string | null;
  defaultModel: string;
  promptTokens: Spread | null;
  maxTokens: Spread | null;
  /** `advanced.questionTemplates`: the scenario's own questions instead of the built-in banks. */
  questionTemplates: readonly { template: string; variables: Readonly<Record<string, readonly string[]>> }[];
  /** `advanced.correlationId`: sent as `X-Correlation-ID` on every request (the gateway's audit records it). */
  correlationId: string | null;
  /** `--dry-run` / `advanced.dryRun`: everything but the load itself (no request is sent). */
  dryRun: boolean;
  /** `userBehavior.temperature`: drawn per request and clamped (a single value is a `fixed` spread). */
  temperature: Spread | null;
  limits: LimitsPlan;
  errorHandling: ErrorHandlingPlan;
  pricing: PriceTable;
  slo: Slo | null;
}

/** This worker's share of the run's request rate in the open-loop modes (constant, poisson), else null. */
export function workerRate(plan: RunPlan): number | null {
  if (plan.mode !== 'constant' && plan.mode !== 'poisson') return null;
  return Math.max(1e-6, (plan.rate ?? 0) / plan.shard.count);
}

/**
 * This worker's share of the requests in flight in `concurrency` mode, else null. Split as users are (worker i of
 * N takes the i-th, (i+N)-th, … slot), so the workers' shares add up to the run's concurrency; the plan makes sure
 * every worker gets at least one.
 */
export function workerConcurrency(plan: RunPlan): number | null {
  if (plan.mode !== 'concurrency') return null;
  return shardCount(plan.concurrency ?? 1, plan.shard);
}

/**
 * This worker's limits. The run's totals — maxRequests, maxCostUSD, maxConcurrentReqs — are split among the
 * workers as users are (requests and slots with shardCount, whose parts differ by at most one; cost in equal
 * parts), so together the workers honour the scenario's figures exactly instead of N times over. maxDurationS and
 * maxErrorRate hold for every worker as they are.
 */
export function workerLimits(plan: RunPlan): LimitsPlan {
  const l = plan.limits;
  const { shard } = plan;
  if (shard.count === 1) return l;
  return {
    ...l,
    maxRequests: l.maxRequests === null ? null : shardCount(l.maxRequests, shard),
    maxCostUSD: l.maxCostUSD === null ? null : l.maxCostUSD / shard.count,
    maxConcurrent: l.maxConcurrent === null ? null : shardCount(l.maxConcurrent, shard),
  };
}
