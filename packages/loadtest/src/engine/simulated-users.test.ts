import { loadConfig } from '@llmops/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadtestRunConfig } from '../run/loadtest-run-config.js';
import { planOf } from '../run/plan-from-scenario.js';
import { parseScenarioText } from '../scenario/load-scenario.js';
import { executePlan } from './execute-plan.js';
import { JobFactory } from './job-factory.js';
import { EMPTY_SESSION_PAUSE_MS } from './simulated-users.js';
import type { RunPlan } from './run-plan.js';

/** Two users against a port nothing listens on: these sessions never get as far as sending. */
function basePlan(): RunPlan {
  const s = parseScenarioText(
    [
      'apiVersion: loadtest.ai-aas.dev/v1',
      'kind: LoadTestScenario',
      'metadata: { name: empty-sessions }',
      'spec:',
      '  organizations: { count: 1 }',
      '  users: { perOrg: { min: 2, max: 2 } }',
      '  userBehavior: { thinkTimeSeconds: { base: 0, variance: 0 } }',
      '  targets: { apiRouterUrl: "http://127.0.0.1:9", bootstrapApi: none }',
      '  testTypes: [{ name: chat, weight: 100, continuousLoop: true }]',
    ].join('\n'),
    'empty-sessions.yaml',
  );
  const plan = planOf(loadConfig(loadtestRunConfig, { env: {}, flags: {} }), s, 2);
  // No think time at all (a scenario's 0 bounds become 1 s and 60 s, as in the original).
  const thinkTime = { base: 0, variance: 0, distribution: 'fixed', min: 0, max: 0 } as const;
  return {
    ...plan,
    users: { ...plan.users, staggerMs: 0, thinkTime },
    limits: { ...plan.limits, maxDurationS: 0.5 },
  };
}

/**
 * Counts sessions (each picks its test type once). A user looping over empty sessions without a timer in between
 * would starve the event loop for good, so past a bound the spy throws: the test fails instead of hanging.
 */
function countSessions(): { count: () => number } {
  let n = 0;
  const original = JobFactory.prototype.pickTestType;
  vi.spyOn(JobFactory.prototype, 'pickTestType').mockImplementation(function (this: JobFactory, rng) {
    if (++n > 10_000) throw new Error('sessions loop without yielding to the event loop');
    return original.call(this, rng);
  });
  return { count: () => n };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('simulated users whose sessions ask nothing', () => {
  // The scenario schema refuses these settings with continuousLoop or a loadPattern; a plan built another way (or
  // questionsPerSession { min: 0 } drawing 0) still must not spin.
  const cases: [string, (p: RunPlan) => RunPlan][] = [
    [
      'continuousLoop with 0 questions per session',
      (p) => ({ ...p, users: { ...p.users, questionsPerSession: { min: 0, max: 0 } } }),
    ],
    [
      'continuousLoop with a 0-second sessionDuration',
      (p) => ({
        ...p,
        users: {
          ...p.users,
          questionsPerSession: null,
          sessionS: { min: 0, max: 0, distribution: 'uniform' },
        },
      }),
    ],
    [
      'a load pattern with 0 questions per session',
      (p) => ({
        ...p,
        users: {
          ...p.users,
          questionsPerSession: { min: 0, max: 0 },
          pattern: [{ name: 'hold', durationS: 30, targetUsers: 2, ramp: 'step' }],
        },
      }),
    ],
  ];

  it.each(cases)(
    'idle between empty sessions, so maxDurationSec still ends the run (%s)',
    async (_, edit) => {
      const sessions = countSessions();
      const t0 = performance.now();
      const { result } = await executePlan(edit(basePlan()));
      const elapsedMs = performance.now() - t0;
      expect(result.stopReason).toBe('duration');
      expect(result.report.requests.total).toBe(0);
      expect(elapsedMs).toBeLessThan(3000);
      // Two users, one empty session per pause at most.
      expect(sessions.count()).toBeLessThanOrEqual(2 * (Math.ceil(elapsedMs / EMPTY_SESSION_PAUSE_MS) + 1));
    },
  );
});
