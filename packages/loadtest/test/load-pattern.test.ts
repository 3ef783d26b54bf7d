import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '@llmops/loadtest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../../../test-support/spawn-cli.js';
import { quietRun, readRecords, writeScenario } from './quiet-run.js';

let sim: SpawnedServer;
let dir: string;

beforeAll(async () => {
  // Answers in ~5–10 ms: a user with 40 ms think time sends about 20 requests a second.
  sim = await spawnServer(['sim', 'llm', '--port', '0', '--time-scale', '0.01']);
  dir = mkdtempSync(join(tmpdir(), 'llmops-pattern-'));
}, 30_000);

afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function scenario(name: string, userBehavior: string[], extra: string[] = []): string {
  return writeScenario(dir, name, {
    url: sim.url,
    users: 2,
    userBehavior,
    spec: [
      'limits: { maxDuration: 30s }',
      'testTypes: [{ name: chat, weight: 100, modelTargeting: { slmModels: [sim-small] } }]',
      ...extra,
    ],
  });
}

/** Distinct users that sent a request between `from` and `to` seconds after the first request. */
function usersBetween(rs: readonly RequestRecord[], from: number, to: number): Set<number> {
  const t0 = Math.min(...rs.map((r) => r.sentAt));
  return new Set(
    rs.filter((r) => r.sentAt >= t0 + from * 1000 && r.sentAt < t0 + to * 1000).map((r) => r.user),
  );
}

const PATTERN = [
  'loadPattern:',
  '  type: custom',
  '  phases:',
  '    - { name: ramp, duration: 1.2s, targetActiveUsers: 6, rampStrategy: linear }',
  '    - { name: hold, duration: 1s, targetActiveUsers: 6 }',
  '    - { name: drop, duration: 1s, targetActiveUsers: 2, rampStrategy: step }',
];
const QUICK = [
  'thinkTimeSeconds: { base: 0.04, variance: 0, min: 0.01, max: 0.1 }',
  'maxTokensPerRequest: { base: 8 }',
];
const BUSY_USERS = [...QUICK, 'questionsPerSession: { min: 5, max: 5 }'];

describe('loadPattern: active users follow the phases', () => {
  it('ramps users up, holds them, drops to the step target, and ends with the last phase', async () => {
    const jsonl = join(dir, 'pattern.jsonl');
    const o = await quietRun(scenario('pattern', BUSY_USERS, PATTERN), { jsonl });
    expect(o.result.stopReason).toBe('completed');
    const rs = readRecords(jsonl);
    const wallS = (o.result.endedAt - o.result.startedAt) / 1000;
    expect(wallS).toBeGreaterThan(3.1);
    expect(wallS).toBeLessThan(4.5);
    // The pattern's users (up to 6) go beyond the scenario's 2 users; their indices are 0..5.
    expect(new Set(rs.map((r) => r.user))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    // Early in the ramp only the first users are active; in the hold all six; after the drop only users 0 and 1.
    expect(usersBetween(rs, 0, 0.25).size).toBeLessThanOrEqual(2);
    expect(usersBetween(rs, 1.35, 2.1)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(usersBetween(rs, 2.45, 3.1)).toEqual(new Set([0, 1]));
  }, 60_000);

  it('splits the pattern’s users across workers (worker 1 of 2 runs users 1, 3, 5)', async () => {
    const jsonl = join(dir, 'pattern-w1.jsonl');
    const o = await quietRun(scenario('pattern-w1', BUSY_USERS, PATTERN), {
      jsonl,
      workers: 2,
      workerIndex: 1,
    });
    expect(o.result.stopReason).toBe('completed');
    const rs = readRecords(jsonl);
    expect(new Set(rs.map((r) => r.user))).toEqual(new Set([1, 3, 5]));
    expect(usersBetween(rs, 2.45, 3.1)).toEqual(new Set([1]));
  }, 60_000);

  it('is refused outside users mode, with the reason', async () => {
    await expect(
      quietRun(scenario('pattern-rate', BUSY_USERS, PATTERN), { mode: 'constant', rate: 5 }),
    ).rejects.toThrow(/spec.loadPattern .* needs users mode \(the run is in constant mode\)/);
  });
});

describe('spec.load.durationSec in users mode', () => {
  it('ends a run of users that would go on (continuousLoop) after durationSec, as the schema says', async () => {
    // maxDuration only as a safety net: without durationSec the users would keep going until it.
    const file = writeScenario(dir, 'users-duration', {
      url: sim.url,
      users: 2,
      userBehavior: [...QUICK, 'questionsPerSession: { min: 1, max: 2 }'],
      spec: [
        'load: { mode: users, durationSec: 1 }',
        'limits: { maxDurationSec: 8 }',
        'testTypes: [{ name: chat, weight: 100, continuousLoop: true, modelTargeting: { slmModels: [sim-small] } }]',
      ],
    });
    const t0 = performance.now();
    const o = await quietRun(file);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(o.result.stopReason).toBe('duration');
    expect(o.result.report.requests.ok).toBeGreaterThan(4);
  }, 30_000);
});

describe('sessionDuration', () => {
  it('ends a session once its time is up, however many questions it could still ask', async () => {
    const jsonl = join(dir, 'session.jsonl');
    const file = scenario('session', [...QUICK, 'sessionDuration: { min: 400ms, max: 400ms }']);
    const o = await quietRun(file, { jsonl });
    expect(o.result.stopReason).toBe('completed');
    const rs = readRecords(jsonl);
    // Two users, one session each of 0.4 s with a question about every 50 ms.
    for (const user of [0, 1]) {
      const mine = rs.filter((r) => r.user === user);
      expect(mine.length).toBeGreaterThanOrEqual(4);
      expect(mine.length).toBeLessThanOrEqual(10);
      const span = Math.max(...mine.map((r) => r.sentAt)) - Math.min(...mine.map((r) => r.sentAt));
      expect(span).toBeLessThan(450);
    }
  }, 60_000);
});

describe('conversationStyle', () => {
  /** Per user, in order: does each follow-up's prompt hold the previous question and answer? */
  async function followUpsCarryHistory(name: string, style: string): Promise<boolean[]> {
    const jsonl = join(dir, `${name}.jsonl`);
    const file = scenario(name, [
      ...QUICK,
      'questionsPerSession: { min: 4, max: 4 }',
      `conversationStyle: ${style}`,
    ]);
    await quietRun(file, { jsonl });
    const rs = readRecords(jsonl);
    const out: boolean[] = [];
    for (const user of [0, 1]) {
      const mine = rs.filter((r) => r.user === user).sort((a, b) => a.sentAt - b.sentAt);
      expect(mine).toHaveLength(4);
      for (let i = 1; i < mine.length; i++) {
        const [prev, cur] = [mine[i - 1] as RequestRecord, mine[i] as RequestRecord];
        out.push(cur.promptTokens >= prev.promptTokens + prev.outputTokens);
      }
    }
    return out;
  }

  it('carries the earlier questions and answers into follow-ups, unless contextRetention is false', async () => {
    expect(await followUpsCarryHistory('retained', '{ multiTurnProbability: 1 }')).toEqual(
      Array(6).fill(true),
    );
    const dropped = await followUpsCarryHistory(
      'not-retained',
      '{ multiTurnProbability: 1, contextRetention: false }',
    );
    expect(dropped.filter(Boolean).length).toBeLessThanOrEqual(1);
  }, 60_000);

  it('starts a new conversation after turnsPerConversation questions', async () => {
    // Conversations of exactly 2 questions: the 2nd and 4th carry history, the 3rd starts afresh.
    const carried = await followUpsCarryHistory(
      'two-turns',
      '{ multiTurnProbability: 1, turnsPerConversation: { min: 2, max: 2 } }',
    );
    expect([carried[0], carried[2], carried[3], carried[5]]).toEqual([true, true, true, true]);
    expect([carried[1], carried[4]]).toEqual([false, false]);
  }, 60_000);
});
