import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { atTurnEnd } from './turn-end.js';

const checkPhase = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('atTurnEnd', () => {
  it('runs what a turn queued after the turn’s own work and microtasks, together and in order', async () => {
    const log: string[] = [];
    atTurnEnd(() => log.push('a'));
    queueMicrotask(() => log.push('microtask'));
    process.nextTick(() => log.push('tick'));
    atTurnEnd(() => log.push('b'));
    log.push('sync');
    expect(log).toEqual(['sync']);
    await checkPhase();
    // (Whether the tick or the microtask runs first depends on where this test body itself runs.)
    expect(log.slice(0, 3).sort()).toEqual(['microtask', 'sync', 'tick']);
    expect(log.slice(3)).toEqual(['a', 'b']);
  });

  it('runs what is queued while it runs at the end of the next turn, not in the same batch', async () => {
    const log: string[] = [];
    atTurnEnd(() => {
      log.push('outer');
      atTurnEnd(() => log.push('inner'));
    });
    atTurnEnd(() => log.push('outer 2'));
    await checkPhase();
    expect(log).toEqual(['outer', 'outer 2']);
    await checkPhase();
    expect(log).toEqual(['outer', 'outer 2', 'inner']);
  });

  it('runs the rest of a batch when one function throws, and the error still surfaces as uncaught', () => {
    // In a process of its own: an uncaught exception is the expected outcome.
    const core = new URL('../../dist/index.js', import.meta.url).href;
    const script = `
      import { atTurnEnd } from ${JSON.stringify(core)};
      process.on('uncaughtException', (e) => console.log('uncaught: ' + e.message));
      atTurnEnd(() => { throw new Error('boom'); });
      atTurnEnd(() => console.log('second ran'));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(out.trim().split('\n')).toEqual(['second ran', 'uncaught: boom']);
  });
});
