/**
 * `Rng`: a small, seeded, deterministic random number generator for the load generator.
 *
 * The core is sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator: 128 bits of state, 32-bit outputs, passes
 * PractRand), seeded from a 128-bit hash of the seed text. Two runs with the same seed replay exactly, which is what
 * makes a load test repeatable; `fork` gives every simulated user its own stream without them sharing state.
 */

const TWO_POW_32 = 4_294_967_296;
/** Outputs thrown away after seeding, so that similar seeds (`user-1`, `user-2`) have diverged completely. */
const WARM_UP_ROUNDS = 16;

/** Murmur3's 32-bit finaliser: every input bit flips each output bit with probability ~1/2. */
function avalanche(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Four 32-bit words from a text. Each lane is an FNV-style multiply–xor over the UTF-16 code units with its own
 * basis and multiplier, then the lanes are finalised into one another, so two texts share a state only if they
 * collide in all 128 bits (a 32-bit hash would collide within ~77,000 user seeds).
 */
function seedWords(text: string): [number, number, number, number] {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  let c = 0x243f6a88;
  let d = 0xb7e15162;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x5bd1e995);
    c = Math.imul(c ^ unit, 0x27d4eb2f);
    d = Math.imul(d ^ unit, 0x165667b1);
  }
  a = avalanche(a ^ text.length);
  b = avalanche(b ^ a);
  c = avalanche(c ^ b);
  d = avalanche(d ^ c);
  return [a, b, c, d];
}

/** Seeds are compared as text, tagged with their type so that `7` and `'7'` are different streams. */
function seedKey(seed: number | string): string {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`);
    return `#${seed}`;
  }
  return `'${seed}`;
}

function assertFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`Rng: ${name} must be a finite number, got ${value}`);
}

export class Rng {
  /** The seed as text; forks derive their seed from it, never from the current position of the stream. */
  readonly seed: string;
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Box–Muller makes normals in pairs; the second is kept for the next call. */
  private spareNormal: number | undefined;

  constructor(seed: number | string) {
    this.seed = seedKey(seed);
    [this.a, this.b, this.c, this.d] = seedWords(this.seed);
    for (let i = 0; i < WARM_UP_ROUNDS; i++) this.nextUint32();
  }

  /** One sfc32 step: a uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on [0, 1), in steps of 2⁻³². */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform integer from `min` to `max`, both included. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min)
      throw new RangeError(`Rng.int needs integers with min <= max, got ${min}..${max}`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform real on [min, max). */
  uniform(min: number, max: number): number {
    assertFinite('uniform min', min);
    assertFinite('uniform max', max);
    return min + this.next() * (max - min);
  }

  /** Normal (Gaussian) by the Box–Muller transform. */
  normal(mean: number, sd: number): number {
    let z = this.spareNormal;
    if (z === undefined) {
      // 1 - next() is in (0, 1], so the logarithm is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
      const angle = 2 * Math.PI * this.next();
      z = radius * Math.cos(angle);
      this.spareNormal = radius * Math.sin(angle);
    } else {
      this.spareNormal = undefined;
    }
    return mean + sd * z;
  }

  /** Exponential with the given mean (rate 1/mean), by inversion. */
  exponential(mean: number): number {
    if (!(mean >= 0)) throw new RangeError(`Rng.exponential needs mean >= 0, got ${mean}`);
    return -mean * Math.log(1 - this.next());
  }

  /**
   * Gamma(shape k, scale θ), mean kθ, variance kθ², by Marsaglia and Tsang's squeeze method. Poisson arrivals are
   * shape 1; shape < 1 gives burstier gaps and shape > 1 more regular ones at the same mean.
   */
  gamma(shape: number, scale: number): number {
    if (!(shape > 0) || !(scale > 0)) throw new RangeError(`Rng.gamma needs shape > 0 and scale > 0`);
    if (shape < 1) {
      // Boost: if X ~ Gamma(k + 1) and U ~ U(0,1), X·U^(1/k) ~ Gamma(k).
      return this.gamma(shape + 1, scale) * Math.pow(1 - this.next(), 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal(0, 1);
      const root = 1 + c * x;
      if (root <= 0) continue;
      const v = root * root * root;
      const u = 1 - this.next();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v)))
        return d * v * scale;
    }
  }

  /** True with probability `p` (0 never, 1 always). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One item, drawn with probability proportional to `weight(item)`; items weighing 0 or less never come out. */
  weighted<T>(items: readonly T[], weight: (t: T) => number): T {
    let total = 0;
    for (const item of items) {
      const w = weight(item);
      if (w > 0) total += w;
    }
    if (!(total > 0) || !Number.isFinite(total))
      throw new RangeError('Rng.weighted needs at least one item with a positive, finite weight');
    let remaining = this.next() * total;
    let last: T | undefined;
    for (const item of items) {
      const w = weight(item);
      if (!(w > 0)) continue;
      last = item;
      remaining -= w;
      if (remaining < 0) return item;
    }
    // Rounding can leave a sliver at the end; it belongs to the last weighted item.
    return last as T;
  }

  /**
   * An independent stream derived from this generator's seed and `label` (numbers and strings with the same text
   * are the same label). It does not depend on how much of this stream was used, so `rng.fork('user-3')` is the
   * same stream wherever it is called.
   */
  fork(label: string | number): Rng {
    return new Rng(`${this.seed}/${label}`);
  }
}
