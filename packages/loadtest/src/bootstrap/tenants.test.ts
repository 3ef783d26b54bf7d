import { describe, expect, it } from 'vitest';
import { tokenMinutes, LLMOPS_MAX_TOKEN_MINUTES } from './llmops-target.js';
import { allUsers, staticTenants, usersPerOrgFromRange } from './tenants.js';

describe('staticTenants', () => {
  it('gives every user the one key, in one organization, creating nothing', () => {
    const t = staticTenants('sk-shared', 3);
    expect(allUsers(t).map((u) => [u.name, u.email, u.keys.map((k) => k.key)])).toEqual([
      ['user-1', 'user-1@loadtest.example.com', ['sk-shared']],
      ['user-2', 'user-2@loadtest.example.com', ['sk-shared']],
      ['user-3', 'user-3@loadtest.example.com', ['sk-shared']],
    ]);
    expect(t.created).toEqual({ orgs: 0, users: 0, keys: 0 });
  });

  it('gives users no key when there is none', () => {
    expect(allUsers(staticTenants(undefined, 2)).map((u) => u.keys)).toEqual([[], []]);
  });

  it('rejects a negative or fractional user count', () => {
    expect(() => staticTenants('k', -1)).toThrow(/users must be a whole number/);
    expect(() => staticTenants('k', 1.5)).toThrow(/users must be a whole number/);
  });
});

describe('usersPerOrgFromRange', () => {
  it('is min when max is not above it', () => {
    expect(usersPerOrgFromRange({ min: 4, max: 4 }, Math.random)).toBe(4);
    expect(usersPerOrgFromRange({ min: 4 }, Math.random)).toBe(4);
  });

  it('draws uniformly in [min, max] from the given random source', () => {
    const draws = [0, 0.2499, 0.25, 0.5, 0.9999999];
    const f = usersPerOrgFromRange({ min: 2, max: 5 }, () => draws.shift() ?? 0);
    expect(typeof f).toBe('function');
    if (typeof f === 'number') return;
    expect([0, 1, 2, 3, 4].map(f)).toEqual([2, 2, 3, 4, 5]);
  });
});

describe('tokenMinutes (llmops key lifetime)', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  it('turns an expiry into whole minutes from now, at least 1', () => {
    expect(tokenMinutes(new Date(now + 2 * 86_400_000), now)).toBe(2880);
    expect(tokenMinutes(new Date(now + 90_001), now)).toBe(2);
    expect(tokenMinutes(new Date(now - 5000), now)).toBe(1);
  });
  it('caps at the gateway’s one-year maximum, which also stands for no expiry', () => {
    expect(tokenMinutes(null, now)).toBe(LLMOPS_MAX_TOKEN_MINUTES);
    expect(tokenMinutes(new Date(now + 400 * 86_400_000), now)).toBe(LLMOPS_MAX_TOKEN_MINUTES);
  });
});
