import { loadConfig } from '@llmops/core';
import { describe, expect, it } from 'vitest';
import { JobFactory } from '../engine/job-factory.js';
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
