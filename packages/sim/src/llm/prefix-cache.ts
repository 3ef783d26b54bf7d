import { hashString } from './rng.js';

/** Tokens per KV block, as vLLM's default `block_size`. */
export const BLOCK_TOKENS = 16;
/** The simulator's tokenizer counts about four characters a token (text-generator.ts `estimateTokens`). */
const BLOCK_CHARS = BLOCK_TOKENS * 4;
const SECOND_SEED = 0x5bd1e995;

/**
 * Automatic prefix caching in the manner of vLLM: a prompt is cut into full blocks, each identified by a hash
 * chained over every block before it (so a block only matches after the same whole prefix), seeded by the
 * request's `cache_salt` (requests with different salts never share blocks). A request's cached tokens are its
 * leading blocks already present; at least the last prompt token is always computed, as in vLLM. Blocks are kept
 * least recently used first, up to the model's KV capacity.
 */
export class PrefixCache {
  /** Block key (53 bits from two chained 32-bit hashes) → nothing; Map order is the LRU order, oldest first. */
  private readonly blocks = new Map<number, true>();

  constructor(private readonly capacityBlocks: number) {}

  get size(): number {
    return this.blocks.size;
  }

  /**
   * Looks the prompt up and then stores its blocks. Returns how many of its `promptTokens` come from the cache.
   * `text` is the prompt as the model would read it (chat messages joined with their roles).
   */
  lookupAndStore(text: string, promptTokens: number, salt: string | null): number {
    const full = Math.min(Math.floor(text.length / BLOCK_CHARS), Math.floor(promptTokens / BLOCK_TOKENS));
    // Two independent 32-bit chains make a 53-bit key: with ~60k blocks cached, 32 bits alone would collide.
    let h1 = hashString(salt ?? '');
    let h2 = hashString(salt ?? '', SECOND_SEED);
    let hits = 0;
    let matching = true;
    for (let b = 0; b < full; b++) {
      const block = text.slice(b * BLOCK_CHARS, (b + 1) * BLOCK_CHARS);
      h1 = hashString(block, h1);
      h2 = hashString(block, h2 ^ SECOND_SEED);
      const key = h1 * 2 ** 21 + (h2 >>> 11);
      if (matching && this.blocks.has(key)) {
        hits++;
        this.blocks.delete(key); // re-inserted below: now the most recently used
      } else {
        matching = false;
      }
      this.blocks.set(key, true);
    }
    while (this.blocks.size > this.capacityBlocks) {
      const oldest = this.blocks.keys().next().value;
      if (oldest === undefined) break;
      this.blocks.delete(oldest);
    }
    return Math.min(hits * BLOCK_TOKENS, Math.max(0, promptTokens - 1));
  }
}
