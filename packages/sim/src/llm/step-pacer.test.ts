import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { StepPacer } from './step-pacer.js';

/**
 * A clock that moves only when told: each step "takes" the time it adds, so how many steps a slice holds does not
 * depend on how busy the machine running the test is.
 */
function testClock() {
  // A process's monotonic clock is far from 0 by the time its first burst comes.
  let t = 1000;
  return { now: () => t, spend: (ms: number) => void (t += ms) };
}

describe('step pacer', () => {
  it('reads a socket in the middle of a burst of steps, and runs every step in order', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
    const [conn] = await accepted;
    const log: string[] = [];
    conn.on('data', () => log.push('data'));
    const clock = testClock();
    const pacer = new StepPacer(0.5, clock.now);
    const STEPS = 40;
    const done = new Promise<void>((resolve) => {
      setTimeout(() => {
        // The bytes are in the server's receive queue before the burst starts (loopback delivers in write()).
        client.write('x');
        for (let i = 0; i < STEPS; i++)
          pacer.run(() => {
            clock.spend(0.2);
            log.push(`step ${i}`);
            // More bytes in the middle of the burst: read before the burst ends too, not only at its first pause.
            if (i === STEPS / 2) client.write('y');
            if (i === STEPS - 1) resolve();
          });
      }, 5);
    });
    await done;
    client.destroy();
    conn.destroy();
    server.close();
    expect(log.filter((e) => e !== 'data')).toEqual(Array.from({ length: STEPS }, (_, i) => `step ${i}`));
    // 40 steps of 0.2 ms take 8 ms; without pacing the socket would be read only after the last one.
    const reads = log.flatMap((e, i) => (e === 'data' ? [i] : []));
    expect(reads).toHaveLength(2);
    expect(reads[0]).toBeGreaterThan(0);
    expect(reads[0]).toBeLessThan(STEPS / 2);
    // Read within a few slices of its arrival (after step 20, log index 21 plus the first read's entry).
    expect(reads[1]).toBeGreaterThan(STEPS / 2 + 1);
    expect(reads[1]).toBeLessThan(STEPS / 2 + 10);
  });

  it('gives queued steps as long as the rest of each turn of the loop, so other work cannot starve them', async () => {
    const clock = testClock();
    const pacer = new StepPacer(0.5, clock.now);
    const STEPS = 40;
    let turns = 0;
    let finished = false;
    // Other work that takes 2 ms in every turn of the loop, as a flood of incoming requests would.
    const competitor = (): void => {
      if (finished) return;
      turns++;
      clock.spend(2);
      setImmediate(competitor);
    };
    setImmediate(competitor);
    await new Promise<void>((resolve) => {
      setTimeout(() => {
        // Turns are counted from the burst's start.
        turns = 0;
        for (let i = 0; i < STEPS; i++)
          pacer.run(() => {
            clock.spend(0.2);
            if (i === STEPS - 1) resolve();
          });
      }, 1);
    });
    finished = true;
    // 8 ms of steps: ~4 turns when each gets 2 ms, 16 or more at 0.5 ms a turn.
    expect(turns).toBeLessThanOrEqual(9);
  });

  it('runs a step at once while the slice lasts', () => {
    const pacer = new StepPacer(1000);
    let ran = 0;
    for (let i = 0; i < 5; i++) pacer.run(() => ran++);
    expect(ran).toBe(5);
  });
});
