import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from './suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('port', 'port')).toBe(0);
    expect(editDistance('prt', 'port')).toBe(1);
    expect(editDistance('poort', 'port')).toBe(1);
    expect(editDistance('port', 'part')).toBe(1);
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('closestMatch', () => {
  const names = ['port', 'host', 'maxNumSeqs', 'timeout'];

  it('suggests a name one typo away', () => {
    expect(closestMatch('prot', names)).toBe('port');
    expect(closestMatch('timeuot', names)).toBe('timeout');
  });

  it('ignores case and separator style', () => {
    expect(closestMatch('max_num_seqs', names)).toBe('maxNumSeqs');
    expect(closestMatch('MAX-NUM-SEQS', names)).toBe('maxNumSeqs');
  });

  it('suggests nothing for an unrelated name', () => {
    expect(closestMatch('zzz', names)).toBeUndefined();
    expect(closestMatch('verbose', names)).toBeUndefined();
  });
});
