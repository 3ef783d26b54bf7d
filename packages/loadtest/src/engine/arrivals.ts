import type { Rng } from '../scenario/random.js';

/**
 * Gaps between request arrivals for the open-loop modes. `constant` sends every 1/rate s; `poisson` draws gamma
 * gaps with shape `burstiness` and mean 1/rate (shape 1 = exponential = a Poisson process, < 1 burstier, > 1 more
 * regular — vLLM's `--burstiness`). Returns a function giving the next gap in milliseconds.
 */
export function arrivalGaps(
  kind: 'constant' | 'poisson',
  rate: number,
  rng: Rng,
  burstiness = 1,
): () => number {
  if (!(rate > 0)) throw new RangeError(`arrival rate must be > 0, got ${rate}`);
  const meanMs = 1000 / rate;
  if (kind === 'constant') return () => meanMs;
  if (!(burstiness > 0)) throw new RangeError(`burstiness must be > 0, got ${burstiness}`);
  if (burstiness === 1) return () => rng.exponential(meanMs);
  const scale = meanMs / burstiness;
  return () => rng.gamma(burstiness, scale);
}
