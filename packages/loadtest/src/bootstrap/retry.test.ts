import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_ERRORS,
  BootstrapError,
  isTransient,
  type BootstrapErrorCode,
} from './bootstrap-errors.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { backoffDelay, MAX_BACKOFF_MS, retryPolicy, withRetry } from './retry.js';

const http = (status: number, retryAfterMs?: number) =>
  new BootstrapError('http_status', `HTTP ${String(status)}`, {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

describe('bootstrap error registry', () => {
  it('describes every code, and each error carries its code', () => {
    const codes = Object.keys(BOOTSTRAP_ERRORS) as BootstrapErrorCode[];
    expect(codes).toEqual([
      'http_status',
      'network',
      'invalid_response',
      'create_failed',
      'aborted',
      'invalid_plan',
    ]);
    for (const code of codes) {
      expect(BOOTSTRAP_ERRORS[code].length).toBeGreaterThan(20);
      const e = new BootstrapError(code, 'm');
      expect(e).toMatchObject({ code, name: 'BootstrapError', message: 'm' });
    }
  });

  it('calls network failures, 429 and 5xx transient, and nothing else', () => {
    expect(isTransient(new BootstrapError('network', 'x'))).toBe(true);
    for (const s of [429, 500, 502, 503, 504]) expect(isTransient(http(s))).toBe(true);
    for (const s of [400, 401, 403, 404, 409, 422]) expect(isTransient(http(s))).toBe(false);
    expect(isTransient(new BootstrapError('invalid_response', 'x'))).toBe(false);
    expect(isTransient(new Error('ECONNRESET'))).toBe(false);
  });
});

describe('backoffDelay', () => {
  const policy = (random: number) => ({ retries: 5, backoffMs: 200, random: () => random });

  it('doubles per attempt, jittered down by at most half', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, policy(0.999999), http(503)))).toEqual([
      expect.closeTo(200, 0),
      expect.closeTo(400, 0),
      expect.closeTo(800, 0),
      expect.closeTo(1600, 0),
    ]);
    expect([1, 2, 3].map((a) => backoffDelay(a, policy(0), http(503)))).toEqual([100, 200, 400]);
  });

  it('never waits less than Retry-After, nor more than the cap', () => {
    expect(backoffDelay(1, policy(0), http(429, 5000))).toBe(5000);
    expect(backoffDelay(3, policy(1), http(429, 10))).toBe(800);
    expect(backoffDelay(1, policy(0), http(429, 3_600_000))).toBe(MAX_BACKOFF_MS);
    expect(backoffDelay(30, policy(1), http(503))).toBe(MAX_BACKOFF_MS);
  });
});

describe('withRetry', () => {
  const policy = { retries: 3, backoffMs: 1, random: () => 0.5 };

  it('retries a transient failure and returns the eventual result', async () => {
    let calls = 0;
    const retries: number[] = [];
    const out = await withRetry(
      () => (++calls < 3 ? Promise.reject(http(503)) : Promise.resolve('ok')),
      policy,
      { onRetry: (_e, next) => retries.push(next) },
    );
    expect(out).toBe('ok');
    expect(retries).toEqual([2, 3]);
  });

  it('rethrows the last failure after 1 + retries attempts', async () => {
    let calls = 0;
    const last = http(500);
    await expect(withRetry(() => (++calls, Promise.reject(last)), policy)).rejects.toBe(last);
    expect(calls).toBe(4);
  });

  it('does not retry a permanent failure', async () => {
    let calls = 0;
    await expect(withRetry(() => (++calls, Promise.reject(http(400))), policy)).rejects.toMatchObject({
      status: 400,
    });
    expect(calls).toBe(1);
  });

  it('stops waiting when aborted, rethrowing the failure at once', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const started = performance.now();
    await expect(
      withRetry(() => Promise.reject(http(503, 10_000)), policy, { signal: ac.signal }),
    ).rejects.toMatchObject({ status: 503 });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('retryPolicy', () => {
  it('applies the defaults and rejects impossible values', () => {
    expect(retryPolicy({})).toMatchObject({ concurrency: 8, retries: 3, backoffMs: 200 });
    expect(() => retryPolicy({ concurrency: 0 })).toThrow(/concurrency/);
    expect(() => retryPolicy({ retries: -1 })).toThrow(/retries/);
    expect(() => retryPolicy({ backoffMs: Number.NaN })).toThrow(/backoffMs/);
  });
});

describe('ConcurrencyLimit', () => {
  it('runs at most `max` tasks at once, in FIFO order, and survives failing tasks', async () => {
    const limit = new ConcurrencyLimit(2);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const tasks = Array.from({ length: 7 }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        peak = Math.max(peak, ++active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        if (i === 3) throw new Error('boom');
        return i;
      }),
    );
    const results = await Promise.allSettled(tasks);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });
});
