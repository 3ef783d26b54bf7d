import { getEventListeners } from 'node:events';
import { loadConfig, UpstreamClient } from '@llmops/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Reporter } from '../report/reporter.js';
import { loadtestRunConfig } from '../run/loadtest-run-config.js';
import { planOf } from '../run/plan-from-scenario.js';
import { executePlan } from './execute-plan.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('executing a plan', () => {
  it('undoes its setup when a reporter fails to start: no listener on the caller’s signal, no timer, client closed', async () => {
    const plan = planOf(
      loadConfig(loadtestRunConfig, {
        env: {},
        flags: { url: 'http://127.0.0.1:9', mode: 'constant', rate: 5, duration: '1s', maxDuration: '3s' },
      }),
      null,
      1,
    );
    // A --jsonl path in a missing folder fails like this.
    const failing: Reporter = {
      onStart: () => {
        throw new Error('cannot write request records to /missing/x.jsonl');
      },
    };
    const close = vi.spyOn(UpstreamClient.prototype, 'close');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const caller = new AbortController();
    await expect(executePlan(plan, { reporters: [failing], signal: caller.signal })).rejects.toThrow(
      'cannot write request records',
    );
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    // The maxDuration deadline would otherwise still be pending (and stop a run that no longer exists).
    expect(vi.getTimerCount()).toBe(0);
    expect(close).toHaveBeenCalledTimes(1);
  });
});
