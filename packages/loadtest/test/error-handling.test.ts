import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '@llmops/loadtest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../../../test-support/spawn-cli.js';
import { quietRun, readRecords, writeScenario } from './quiet-run.js';

// Two simulators: one failing 30% of requests with HTTP 500 (drawn per request), one healthy; the healthy one is
// made to fail on demand with the x-sim-fault header, sent through the scenario's `targets.headers`.
let flaky: SpawnedServer;
let healthy: SpawnedServer;
let dir: string;

beforeAll(async () => {
  [flaky, healthy] = await Promise.all([
    spawnServer(['sim', 'llm', '--port', '0', '--zero-delay', '--faults', '500=0.3', '--seed', '11']),
    spawnServer(['sim', 'llm', '--port', '0', '--zero-delay']),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'llmops-errors-'));
}, 30_000);

afterAll(async () => {
  await Promise.all([flaky?.stop(), healthy?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface ScenarioOptions {
  url: string;
  errorHandling: string;
  headers?: string;
  maxRequests: number;
  users?: number;
}

/** A users-mode scenario: `users` users asking one question per session, continuously, until maxRequests. */
function scenario(name: string, o: ScenarioOptions): string {
  return writeScenario(dir, name, {
    url: o.url,
    users: o.users ?? 4,
    userBehavior: [
      'thinkTimeSeconds: { base: 0, variance: 0 }',
      'questionsPerSession: { min: 1, max: 1 }',
      `errorHandling: ${o.errorHandling}`,
    ],
    ...(o.headers ? { targets: `headers: ${o.headers}` } : {}),
    spec: [
      `limits: { maxRequests: ${o.maxRequests}, maxDuration: 30s }`,
      'testTypes: [{ name: chat, weight: 100, continuousLoop: true, modelTargeting: { slmModels: [sim-small] } }]',
    ],
  });
}

describe('errorHandling: retries', () => {
  it('retries a 5xx up to retryAttempts times, each try a request of its own, so nearly every question succeeds', async () => {
    const jsonl = join(dir, 'retries.jsonl');
    const file = scenario('retries', {
      url: flaky.url,
      errorHandling: '{ retryAttempts: 3, retryBackoffMs: 5 }',
      maxRequests: 400,
    });
    const o = await quietRun(file, { jsonl });
    const rep = o.result.report;
    const rs = readRecords(jsonl);
    expect(rs).toHaveLength(rep.requests.total);
    // With 30% failing, about 0.3 of all requests fail and nearly all of those are retried.
    expect(rep.requests.errors / rep.requests.total).toBeGreaterThan(0.2);
    expect(rep.requests.errors / rep.requests.total).toBeLessThan(0.4);
    expect(rep.errorsByClass).toEqual({ http_5xx: rep.requests.errors });
    const retries = rs.filter((r) => (r.attempt ?? 1) > 1);
    expect(rep.requests.retries).toBe(retries.length);
    expect(Math.max(...rs.map((r) => r.attempt ?? 1))).toBeLessThanOrEqual(4);
    // A retry follows only a failure: each attempt k > 1 is matched by a failed attempt k − 1 of the same user.
    for (const k of [2, 3, 4]) {
      const tries = rs.filter((r) => (r.attempt ?? 1) === k).length;
      const failedBefore = rs.filter((r) => (r.attempt ?? 1) === k - 1 && !r.ok).length;
      expect(tries).toBeLessThanOrEqual(failedBefore);
    }
    // Questions (first tries) that still failed after 3 retries: 0.3^4 ≈ 0.8% of them.
    const questions = rs.filter((r) => (r.attempt ?? 1) === 1).length;
    const lost = rs.filter((r) => (r.attempt ?? 1) === 4 && !r.ok).length;
    expect(lost / questions).toBeLessThan(0.05);
    expect(retries.length).toBeGreaterThan(0.6 * rep.requests.errors - lost - 8);
  }, 60_000);

  it('does not retry a request that cannot succeed on another try (HTTP 4xx other than 429)', async () => {
    const jsonl = join(dir, 'no-retry.jsonl');
    const file = scenario('no-retry', {
      url: healthy.url,
      errorHandling: '{ retryAttempts: 3, retryBackoffMs: 5 }',
      maxRequests: 10,
    });
    const o = await quietRun(file, { jsonl, model: 'no-such-model' });
    expect(o.result.report.requests.errors).toBe(10);
    expect(o.result.report.errorsByClass).toEqual({ http_4xx: 10 });
    expect(o.result.report.requests.retries).toBe(0);
    expect(readRecords(jsonl).every((r) => r.attempt === undefined)).toBe(true);
  }, 60_000);

  it('waits retryBackoffMs before the first retry and doubles it for the next', async () => {
    const jsonl = join(dir, 'backoff.jsonl');
    const file = scenario('backoff', {
      url: healthy.url,
      headers: '{ x-sim-fault: "503;retry_after=0" }',
      errorHandling: '{ retryAttempts: 2, retryBackoffMs: 150 }',
      maxRequests: 3,
      users: 1,
    });
    const o = await quietRun(file, { jsonl });
    const rs = readRecords(jsonl);
    expect(rs.map((r) => r.attempt ?? 1)).toEqual([1, 2, 3]);
    expect(o.result.report.errorsByClass).toEqual({ http_5xx: 3 });
    const gap1 = (rs[1] as RequestRecord).sentAt - (rs[0] as RequestRecord).doneAt;
    const gap2 = (rs[2] as RequestRecord).sentAt - (rs[1] as RequestRecord).doneAt;
    expect(gap1).toBeGreaterThanOrEqual(145);
    expect(gap1).toBeLessThan(260);
    expect(gap2).toBeGreaterThanOrEqual(295);
    expect(gap2).toBeLessThan(420);
  }, 60_000);
});

describe('errorHandling: stopOnErrors and ignoreErrorCodes', () => {
  it('stops the run after stopOnErrors requests failed for good, and exits 1', async () => {
    const file = scenario('stop-on-errors', {
      url: flaky.url,
      errorHandling: '{ retryAttempts: 0, stopOnErrors: 5 }',
      maxRequests: 400,
      users: 1,
    });
    const o = await quietRun(file);
    expect(o.result.stopReason).toBe('stopOnErrors');
    // One user, one request at a time: the run ends right after the fifth failure.
    expect(o.result.report.requests.errors).toBe(5);
    expect(o.result.report.requests.ok).toBeGreaterThan(0);
    expect(o.exitCode).toBe(1);
  }, 60_000);

  it('counts a request toward stopOnErrors only once its retries are spent', async () => {
    const file = scenario('stop-after-retries', {
      url: healthy.url,
      headers: '{ x-sim-fault: "429;retry_after=0" }',
      errorHandling: '{ retryAttempts: 1, retryBackoffMs: 1, stopOnErrors: 5 }',
      maxRequests: 200,
      users: 1,
    });
    const o = await quietRun(file);
    expect(o.result.stopReason).toBe('stopOnErrors');
    // 5 questions, each tried twice; nothing succeeded, which exits 2.
    expect(o.result.report.requests.total).toBe(10);
    expect(o.result.report.requests.retries).toBe(5);
    expect(o.exitCode).toBe(2);
  }, 60_000);

  it('does not count statuses in ignoreErrorCodes toward stopOnErrors or maxErrorRate, but still reports them', async () => {
    const file = scenario('ignored', {
      url: healthy.url,
      headers: '{ x-sim-fault: "429;retry_after=0" }',
      errorHandling: '{ retryAttempts: 0, ignoreErrorCodes: [429], stopOnErrors: 5 }',
      maxRequests: 40,
    });
    const o = await quietRun(file, { maxErrorRate: 0.1 });
    expect(o.result.stopReason).toBe('maxRequests');
    expect(o.result.report.requests.total).toBe(40);
    expect(o.result.report.errorsByClass).toEqual({ rate_limited: 40 });
  }, 60_000);
});
