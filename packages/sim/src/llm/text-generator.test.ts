import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { applyStop, generateTokens } from './text-generator.js';

describe('simulated answer text', () => {
  it('never needs JSON escaping, so chunks can be built by concatenation', () => {
    for (let seed = 0; seed < 50; seed++) {
      for (const t of generateTokens(new Rng(seed), 200)) expect(JSON.stringify(t)).toBe(`"${t}"`);
    }
  });

  it('is the same for the same seed and differs across seeds', () => {
    expect(generateTokens(new Rng(7), 30)).toEqual(generateTokens(new Rng(7), 30));
    expect(generateTokens(new Rng(7), 30)).not.toEqual(generateTokens(new Rng(8), 30));
  });

  it('ends before the first stop string, even one spanning tokens, and excludes it', () => {
    const tokens = ['Alpha', ' beta', ' gamma', ' delta'];
    expect(applyStop(tokens, ['ta gam'])).toEqual({ tokens: ['Alpha', ' be'], stopped: true });
    expect(applyStop(tokens, ['zzz'])).toEqual({ tokens, stopped: false });
  });
});
