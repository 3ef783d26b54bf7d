import { setTimeout as sleep } from 'node:timers/promises';
import { BootstrapError, isTransient } from './bootstrap-errors.js';

/** How bootstrap and cleanup calls are retried and how many run at once. */
export interface RetryOptions {
  /** Calls in flight at once. */
  concurrency?: number;
  /** Further attempts after a transient failure (network, 429, 5xx). */
  retries?: number;
  /** First backoff; doubled per attempt, with jitter. */
  backoffMs?: number;
  /** `Math.random`-like source of the jitter, for reproducible tests. */
  random?: () => number;
}

export const RETRY_DEFAULTS = Object.freeze({ concurrency: 8, retries: 3, backoffMs: 200 });

/** No wait is longer than this, whatever `Retry-After` asks (a bootstrap should not hang for an hour). */
export const MAX_BACKOFF_MS = 60_000;

export interface RetryPolicy {
  retries: number;
  backoffMs: number;
  random: () => number;
}

/** The options with defaults applied, checked once. */
export function retryPolicy(opts: RetryOptions): RetryPolicy & { concurrency: number } {
  const concurrency = opts.concurrency ?? RETRY_DEFAULTS.concurrency;
  const retries = opts.retries ?? RETRY_DEFAULTS.retries;
  const backoffMs = opts.backoffMs ?? RETRY_DEFAULTS.backoffMs;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new BootstrapError(
      'invalid_plan',
      `concurrency must be a whole number >= 1, got ${String(concurrency)}`,
    );
  }
  if (!Number.isSafeInteger(retries) || retries < 0) {
    throw new BootstrapError('invalid_plan', `retries must be a whole number >= 0, got ${String(retries)}`);
  }
  if (!Number.isFinite(backoffMs) || backoffMs < 0) {
    throw new BootstrapError('invalid_plan', `backoffMs must be >= 0, got ${String(backoffMs)}`);
  }
  return { concurrency, retries, backoffMs, random: opts.random ?? Math.random };
}

/**
 * The wait before retry `attempt` (1 = the first retry): `backoffMs · 2^(attempt−1)`, jittered down by up to half
 * so that many callers failing together do not retry together, and never shorter than the server's `Retry-After`.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, err: unknown): number {
  const exp = policy.backoffMs * 2 ** (attempt - 1);
  const jittered = exp / 2 + (policy.random() * exp) / 2;
  const retryAfter = err instanceof BootstrapError ? (err.retryAfterMs ?? 0) : 0;
  return Math.min(MAX_BACKOFF_MS, Math.max(jittered, retryAfter));
}

export interface RetryHooks {
  signal?: AbortSignal | undefined;
  /** Called before each wait, with the failure and the attempt about to be made (2 = the first retry). */
  onRetry?: (err: unknown, nextAttempt: number, delayMs: number) => void;
}

/**
 * Runs `fn` until it succeeds, fails with a non-transient error, or has failed `1 + retries` times, then rethrows
 * the last failure unchanged. An abort during a wait also rethrows the last failure, at once.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err) || attempt > policy.retries || hooks.signal?.aborted === true) throw err;
      const delay = backoffDelay(attempt, policy, err);
      hooks.onRetry?.(err, attempt + 1, delay);
      try {
        await sleep(delay, undefined, hooks.signal ? { signal: hooks.signal } : {});
      } catch {
        throw err;
      }
    }
  }
}
