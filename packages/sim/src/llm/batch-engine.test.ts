import { describe, expect, it } from 'vitest';
import { BatchEngine, type EngineSequence } from './batch-engine.js';
import { ModelProfileSchema } from './model-profile.js';

const instant = (over: Record<string, unknown> = {}) =>
  ModelProfileSchema.parse({
    id: 'z',
    ttftBaseMs: 0,
    prefillMsPerToken: 0,
    decodeBaseMs: 0,
    decodeMsPerSeq: 0,
    ...over,
  });

/** A sequence that logs its steps and end as `name:step` / `name:done`. */
function seq(
  name: string,
  tokens: number,
  log: string[],
  stall?: { atStep: number; ms: number },
): EngineSequence {
  return {
    promptTokens: 10,
    outputTokens: [tokens],
    stall,
    onStep: (s) => log.push(`${name}:${s}`),
    onDone: () => log.push(`${name}:done`),
  };
}

describe('zero-delay batch engine', () => {
  it('runs a sequence through before submit returns, leaving nothing running', () => {
    const engine = new BatchEngine(instant());
    const log: string[] = [];
    const a = seq('a', 3, log);
    engine.submit(a);
    expect(log).toEqual(['a:0', 'a:1', 'a:2', 'a:done']);
    expect(a.admittedAt).toBe(a.enqueuedAt);
    expect([engine.numRunning, engine.numWaiting, engine.cacheUsage]).toEqual([0, 0, 0]);
  });

  it('queues behind a stalled sequence that holds the only slot, in order, and runs it when the slot frees', async () => {
    const engine = new BatchEngine(instant({ maxNumSeqs: 1 }));
    const log: string[] = [];
    engine.submit(seq('a', 3, log, { atStep: 1, ms: 30 }));
    engine.submit(seq('b', 2, log));
    engine.submit(seq('c', 1, log));
    expect(log).toEqual(['a:0']);
    expect([engine.numRunning, engine.numWaiting]).toEqual([1, 2]);
    await new Promise((r) => setTimeout(r, 60));
    expect(log).toEqual(['a:0', 'a:1', 'a:2', 'a:done', 'b:0', 'b:1', 'b:done', 'c:0', 'c:done']);
    expect([engine.numRunning, engine.numWaiting]).toEqual([0, 0]);
  });

  it('keeps FIFO order: nothing jumps a waiting sequence even when a slot is free', async () => {
    // KV (prompt + output): a 12, b 15, c 11 of a budget of 24. b does not fit beside the stalled a and waits;
    // c would fit beside a, but b is ahead of it.
    const engine = new BatchEngine(instant({ maxNumSeqs: 4, tokenBudget: 24 }));
    const log: string[] = [];
    engine.submit(seq('a', 2, log, { atStep: 1, ms: 20 }));
    engine.submit(seq('b', 5, log));
    engine.submit(seq('c', 1, log));
    expect(log).toEqual(['a:0']);
    await new Promise((r) => setTimeout(r, 50));
    expect(log).toEqual([
      'a:0',
      'a:1',
      'a:done',
      'b:0',
      'b:1',
      'b:2',
      'b:3',
      'b:4',
      'b:done',
      'c:0',
      'c:done',
    ]);
  });
});
