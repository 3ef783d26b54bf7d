import { loadConfig } from '@llmops/core';
import { describe, expect, it } from 'vitest';
import { JobFactory } from '../engine/job-factory.js';
import { workerConcurrency, workerLimits } from '../engine/run-plan.js';
import { parseScenarioText } from '../scenario/load-scenario.js';
import { Rng } from '../scenario/random.js';
import { loadtestRunConfig } from './loadtest-run-config.js';
import { planOf, PlanError } from './plan-from-scenario.js';

/** A users-mode scenario with the given extra lines under `spec:` and `userBehavior:`. */
function scenario(spec: string[] = [], behavior: string[] = []) {
  return parseScenarioText(
    [
      'apiVersion: loadtest.ai-aas.dev/v1',
      'kind: LoadTestScenario',
      'metadata: { name: plan }',
      'spec:',
      '  organizations: { count: 2 }',
      '  users: { perOrg: { min: 3, max: 3 } }',
      '  userBehavior:',
      '    thinkTimeSeconds: { base: 1, variance: 0 }',
      ...behavior.map((l) => `    ${l}`),
      '  targets: { apiRouterUrl: "http://127.0.0.1:9", bootstrapApi: none }',
      ...spec.map((l) => `  ${l}`),
    ].join('\n'),
    'plan.yaml',
  );
}

const cfg = (flags: Record<string, unknown> = {}) => loadConfig(loadtestRunConfig, { env: {}, flags });

describe('plan from a scenario', () => {
  it('takes the worker count from spec.workers.replicas unless --workers says otherwise', () => {
    const s = scenario(['workers: { replicas: 4 }']);
    expect(planOf(cfg({ workerIndex: 3 }), s, 6).shard).toEqual({ index: 3, count: 4 });
    expect(planOf(cfg({ workers: 2 }), s, 6).shard).toEqual({ index: 0, count: 2 });
    expect(planOf(cfg(), scenario(), 6).shard).toEqual({ index: 0, count: 1 });
    expect(() => planOf(cfg({ workerIndex: 4 }), s, 6)).toThrow(
      new PlanError('worker index 4 is outside 0..3 (spec.workers.replicas 4)'),
    );
  });

  it('maps errorHandling, defaulting to no retries and no error stop', () => {
    const p = planOf(
      cfg(),
      scenario(
        [],
        [
          'errorHandling: { retryAttempts: 3, retryBackoffMs: 2000, ignoreErrorCodes: [429, 503], stopOnErrors: 50 }',
        ],
      ),
      6,
    );
    expect(p.errorHandling).toEqual({
      retryAttempts: 3,
      retryBackoffMs: 2000,
      ignoreStatuses: [429, 503],
      stopOnErrors: 50,
    });
    expect(planOf(cfg(), scenario(), 6).errorHandling).toEqual({
      retryAttempts: 0,
      retryBackoffMs: 0,
      ignoreStatuses: [],
      stopOnErrors: null,
    });
  });

  it('maps sessionDuration (seconds); alone, it makes sessions time-bound rather than counted', () => {
    const timed = planOf(cfg(), scenario([], ['sessionDuration: { min: "1m", max: "5m" }']), 6).users;
    expect(timed.sessionS).toEqual({ min: 60, max: 300, distribution: 'uniform' });
    expect(timed.questionsPerSession).toBeNull();
    const both = planOf(
      cfg(),
      scenario(
        [],
        ['sessionDuration: { min: 2, max: 3, unit: minutes }', 'questionsPerSession: { min: 1, max: 4 }'],
      ),
      6,
    ).users;
    expect(both.sessionS).toEqual({ min: 120, max: 180, distribution: 'uniform' });
    expect(both.questionsPerSession).toEqual({ min: 1, max: 4 });
    expect(planOf(cfg(), scenario(), 6).users.sessionS).toBeNull();
  });

  it('maps advanced: question templates reach the questions, correlation id and dry run', () => {
    const s = scenario([
      'advanced:',
      '  dryRun: true',
      '  correlationId: run-7',
      '  questionTemplates: [{ template: "Is {thing} ready?", variables: { thing: [alpha, beta] } }]',
    ]);
    const p = planOf(cfg(), s, 6);
    expect(p.dryRun).toBe(true);
    expect(p.correlationId).toBe('run-7');
    const jobs = new JobFactory(p);
    const rng = new Rng('templates');
    for (let i = 0; i < 50; i++)
      expect(jobs.job(0, rng).messages[0]?.content).toMatch(/Is (alpha|beta) ready\?/);
    expect(planOf(cfg({ dryRun: true }), scenario(), 6).dryRun).toBe(true);
    expect(planOf(cfg(), scenario(), 6)).toMatchObject({
      dryRun: false,
      correlationId: null,
      questionTemplates: [],
    });
  });

  it('draws temperature per request around its base, clamped to [min, max]', () => {
    const temperatures = (line: string): number[] => {
      const jobs = new JobFactory(planOf(cfg(), scenario([], [line]), 6));
      const rng = new Rng('temperature');
      return Array.from({ length: 1_000 }, () => jobs.job(0, rng).temperature ?? Number.NaN);
    };
    const drawn = temperatures('temperature: { base: 0.7, variance: 0.3, min: 0.5, max: 0.9 }');
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...drawn)).toBeLessThanOrEqual(0.9);
    expect(new Set(drawn).size).toBeGreaterThan(100);
    const mean = drawn.reduce((sum, t) => sum + t, 0) / drawn.length;
    expect(Math.abs(mean - 0.7)).toBeLessThan(0.02);
    // A base below min is clamped like any draw, not sent as written.
    expect(new Set(temperatures('temperature: { base: 0.2, min: 0.5, max: 1 }'))).toEqual(new Set([0.5]));
    expect(new JobFactory(planOf(cfg(), scenario(), 6)).job(0, new Rng(1)).temperature).toBeNull();
  });

  it('maps conversationStyle: turns per conversation and context retention (kept by default)', () => {
    const u = planOf(
      cfg(),
      scenario(
        [],
        [
          'conversationStyle: { multiTurnProbability: 0.4, turnsPerConversation: { min: 2, max: 5 }, contextRetention: false }',
        ],
      ),
      6,
    ).users;
    expect(u).toMatchObject({
      multiTurnProbability: 0.4,
      turnsPerConversation: { min: 2, max: 5 },
      retainContext: false,
    });
    expect(planOf(cfg(), scenario(), 6).users).toMatchObject({
      turnsPerConversation: null,
      retainContext: true,
    });
  });

  it('maps loadPattern phases, and refuses them outside users mode', () => {
    const s = scenario([
      'loadPattern:',
      '  type: ramp-up',
      '  phases:',
      '    - { name: warm, duration: "2m", targetActiveUsers: 50 }',
      '    - { name: peak, duration: 30, targetActiveUsers: 200, rampStrategy: exponential }',
    ]);
    expect(planOf(cfg(), s, 6).users.pattern).toEqual([
      { name: 'warm', durationS: 120, targetUsers: 50, ramp: 'linear' },
      { name: 'peak', durationS: 30, targetUsers: 200, ramp: 'exponential' },
    ]);
    expect(() => planOf(cfg({ mode: 'concurrency', concurrency: 2 }), s, 6)).toThrow(PlanError);
    expect(planOf(cfg(), scenario(), 6).users.pattern).toBeNull();
  });
});

describe('limits', () => {
  it('treats 0 from the command line or the environment as off, as 0 in the scenario is', () => {
    const zeroFlags = cfg({ maxCost: 0, maxDuration: 0, maxErrorRate: 0 });
    const zeroEnv = loadConfig(loadtestRunConfig, {
      env: { LOADTEST_MAX_COST_USD: '0', LOADTEST_MAX_DURATION: '0', LOADTEST_MAX_ERROR_RATE: '0' },
      flags: {},
    });
    const zeroScenario = scenario(['limits: { maxCostUSD: 0, maxDurationSec: 0, maxErrorRate: 0 }']);
    const off = { maxCostUSD: null, maxDurationS: null, maxErrorRate: null };
    expect(planOf(zeroFlags, scenario(), 6).limits).toMatchObject(off);
    expect(planOf(zeroEnv, scenario(), 6).limits).toMatchObject(off);
    expect(planOf(cfg(), zeroScenario, 6).limits).toMatchObject(off);
    // A 0 flag turns off the scenario's own limit (flags win); --max-requests 0 is refused by the option itself.
    const capped = scenario(['limits: { maxCostUSD: 25 }']);
    expect(planOf(cfg({ maxCost: 0 }), capped, 6).limits.maxCostUSD).toBeNull();
    expect(() => cfg({ maxRequests: 0 })).toThrow(/maxRequests|max-requests/);
  });
});

describe('distributed runs: one worker’s share of the totals', () => {
  const shares = (flags: Record<string, unknown>, workers: number) =>
    Array.from({ length: workers }, (_, workerIndex) => {
      const p = planOf(cfg({ url: 'http://127.0.0.1:9', workers, workerIndex, ...flags }), null, 4);
      return { concurrency: workerConcurrency(p), ...workerLimits(p) };
    });
  const sum = (xs: readonly (number | null)[]): number => xs.reduce<number>((a, x) => a + (x ?? 0), 0);

  it('splits concurrency, maxRequests, maxConcurrentReqs and maxCostUSD so the workers add up to the totals', () => {
    const two = shares(
      { mode: 'concurrency', concurrency: 5, maxRequests: 11, maxCost: 3, maxConcurrent: 5 },
      2,
    );
    expect(two.map((s) => s.concurrency)).toEqual([3, 2]);
    expect(two.map((s) => s.maxRequests)).toEqual([6, 5]);
    expect(two.map((s) => s.maxConcurrent)).toEqual([3, 2]);
    expect(sum(two.map((s) => s.maxCostUSD))).toBeCloseTo(3, 12);
    for (const workers of [1, 3, 4, 7]) {
      const s = shares(
        { mode: 'constant', rate: 10, maxRequests: 100, maxCost: 5, maxConcurrent: 9 },
        workers,
      );
      expect(sum(s.map((x) => x.maxRequests))).toBe(100);
      expect(sum(s.map((x) => x.maxConcurrent))).toBe(9);
      expect(sum(s.map((x) => x.maxCostUSD))).toBeCloseTo(5, 12);
      // Not totals: every worker keeps them whole.
      expect(s.every((x) => x.maxDurationS === null && x.maxErrorRate === null)).toBe(true);
    }
    expect(sum(shares({ mode: 'concurrency', concurrency: 10 }, 4).map((s) => s.concurrency))).toBe(10);
  });

  it('refuses a total that leaves a worker with none, naming the option', () => {
    expect(() => shares({ mode: 'concurrency', concurrency: 1 }, 4)).toThrow(
      new PlanError(
        '--concurrency / spec.load.concurrency is 1, split among 4 workers: each needs at least one, so give 4 or more, or run fewer workers',
      ),
    );
    expect(() => shares({ mode: 'constant', rate: 5, maxRequests: 3 }, 4)).toThrow(/--max-requests/);
    expect(() => shares({ mode: 'constant', rate: 5, maxConcurrent: 1 }, 2)).toThrow(/--max-concurrent/);
  });
});
