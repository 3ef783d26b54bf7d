import { describe, expect, it } from 'vitest';
import { patternPeakUsers, patternSeconds, targetUsersAt, type LoadPhasePlan } from './load-pattern.js';
import { shardCount, shardUsers } from './shards.js';

const phase = (durationS: number, targetUsers: number, ramp: LoadPhasePlan['ramp']): LoadPhasePlan => ({
  name: `${ramp}-${targetUsers}`,
  durationS,
  targetUsers,
  ramp,
});

const usersAt = (phases: LoadPhasePlan[], t: number): number => targetUsersAt(phases, t).users;

describe('load pattern: active users over time', () => {
  it('ramps linearly from 0 to the first target, holds a steady phase, then ramps down', () => {
    const p = [phase(10, 100, 'linear'), phase(5, 100, 'linear'), phase(10, 20, 'linear')];
    expect(patternSeconds(p)).toBe(25);
    expect(patternPeakUsers(p)).toBe(100);
    expect([0, 2.5, 5, 9.99].map((t) => usersAt(p, t))).toEqual([0, 25, 50, 100]);
    expect([10, 12, 14.9].map((t) => usersAt(p, t))).toEqual([100, 100, 100]);
    expect([15, 20, 24.9].map((t) => usersAt(p, t))).toEqual([100, 60, 21]);
    expect(targetUsersAt(p, 12).phase?.name).toBe('linear-100');
    // After the last phase: its target, and no phase.
    expect(targetUsersAt(p, 30)).toEqual({ users: 20, phase: null });
  });

  it('ramps exponentially by a constant factor, from at least one user', () => {
    const p = [phase(4, 16, 'exponential')];
    // 1 → 16 over 4 s: doubling every second.
    expect([0, 1, 2, 3, 3.999].map((t) => usersAt(p, t))).toEqual([1, 2, 4, 8, 16]);
    const down = [phase(1, 64, 'step'), phase(6, 1, 'exponential')];
    expect([1, 2, 4, 6].map((t) => usersAt(down, t))).toEqual([64, 32, 8, 2]);
  });

  it('jumps to a step phase’s target at its start and holds it (a spike)', () => {
    const p = [phase(5, 10, 'step'), phase(2, 80, 'step'), phase(5, 10, 'step')];
    expect([0, 4.9, 5, 6.9, 7, 11].map((t) => usersAt(p, t))).toEqual([10, 10, 80, 80, 10, 10]);
  });

  it('splits users across workers: user u belongs to worker u mod count', () => {
    // Users 0..9 across 3 workers: 0,3,6,9 / 1,4,7 / 2,5,8.
    expect([0, 1, 2].map((index) => shardCount(10, { index, count: 3 }))).toEqual([4, 3, 3]);
    expect(shardCount(1, { index: 1, count: 3 })).toBe(0);
    expect(shardCount(0, { index: 0, count: 1 })).toBe(0);
    for (let total = 0; total <= 25; total++)
      for (let count = 1; count <= 5; count++)
        for (let index = 0; index < count; index++)
          expect(shardCount(total, { index, count })).toBe(shardUsers(total, { index, count }).length);
    for (let total = 0; total < 50; total++) {
      const sum = [0, 1, 2, 3].reduce((s, index) => s + shardCount(total, { index, count: 4 }), 0);
      expect(sum).toBe(total);
    }
  });
});
