import { describe, expect, it } from 'vitest';
import { BLOCK_TOKENS, PrefixCache } from './prefix-cache.js';

/** A prompt of `blocks` full blocks (64 characters each, ~16 tokens) built from a word. */
const text = (word: string, blocks: number): string => word.repeat(64 * blocks).slice(0, 64 * blocks);
const tokens = (t: string): number => Math.ceil(t.length / 4);

describe('prefix cache', () => {
  it('serves a repeated prompt from the cache, all but its last token', () => {
    const c = new PrefixCache(1000);
    const p = text('a', 10);
    expect(c.lookupAndStore(p, tokens(p), null)).toBe(0);
    expect(c.lookupAndStore(p, tokens(p), null)).toBe(10 * BLOCK_TOKENS - 1);
  });

  it('matches a shared prefix only up to the first differing block', () => {
    const c = new PrefixCache(1000);
    const shared = text('s', 4);
    c.lookupAndStore(shared + text('x', 4), 8 * BLOCK_TOKENS, null);
    expect(c.lookupAndStore(shared + text('y', 4), 8 * BLOCK_TOKENS, null)).toBe(4 * BLOCK_TOKENS);
    // A block equal to a cached one but after a different prefix does not match (hashes are chained).
    expect(c.lookupAndStore(text('z', 4) + text('x', 4), 8 * BLOCK_TOKENS, null)).toBe(0);
  });

  it('never shares blocks across cache salts', () => {
    const c = new PrefixCache(1000);
    const p = text('q', 6);
    c.lookupAndStore(p, tokens(p), 'tenant-a');
    expect(c.lookupAndStore(p, tokens(p), 'tenant-b')).toBe(0);
    expect(c.lookupAndStore(p, tokens(p), null)).toBe(0);
    expect(c.lookupAndStore(p, tokens(p), 'tenant-a')).toBe(6 * BLOCK_TOKENS - 1);
  });

  it('does not cache a partial last block, nor a prompt shorter than one block', () => {
    const c = new PrefixCache(1000);
    const p = text('r', 2) + 'tail';
    c.lookupAndStore(p, tokens(p), null);
    expect(c.lookupAndStore(p, tokens(p), null)).toBe(2 * BLOCK_TOKENS);
    expect(c.lookupAndStore('short', 2, null)).toBe(0);
    expect(c.lookupAndStore('short', 2, null)).toBe(0);
  });

  it('evicts the least recently used blocks beyond its capacity', () => {
    const c = new PrefixCache(8);
    const a = text('a', 4);
    const b = text('b', 4);
    c.lookupAndStore(a, tokens(a), null);
    c.lookupAndStore(b, tokens(b), null);
    expect(c.size).toBe(8);
    // Using `a` again makes it the most recent: a third prompt then evicts `b`, not `a`.
    expect(c.lookupAndStore(a, tokens(a), null)).toBe(4 * BLOCK_TOKENS - 1);
    const d = text('d', 4);
    c.lookupAndStore(d, tokens(d), null);
    expect(c.size).toBe(8);
    expect(c.lookupAndStore(a, tokens(a), null)).toBe(4 * BLOCK_TOKENS - 1);
    expect(c.lookupAndStore(b, tokens(b), null)).toBe(0);
  });
});
