import { describe, expect, it } from 'vitest';
import { requestCost } from './pricing.js';

describe('request cost', () => {
  it('prices from the scenario table first, then the original flat table, else none', () => {
    const table = { 'mid-chat': { inputPerMTokUSD: 1, outputPerMTokUSD: 4 } };
    expect(requestCost(table, 'mid-chat', 1_000_000, 500_000)).toBe(3);
    expect(requestCost(table, 'gpt-4o', 600_000, 400_000)).toBe(5);
    expect(requestCost(table, 'llm-prod', 10, 10)).toBeNull();
  });

  it("has no price for a model named like an Object member, rather than a NaN that spoils the run's cost", () => {
    for (const model of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expect(requestCost({}, model, 10, 10)).toBeNull();
  });
});
