import { describe, expect, it } from 'vitest';
import { CACHED_POOL_SIZE, estimateTokens, QUESTION_STRATEGIES, QuestionGenerator } from './questions.js';
import { Rng } from './random.js';

const COUNT = 100_000;

function generate(generator: QuestionGenerator, rng: Rng, count: number, targetTokens?: number): string[] {
  return Array.from({ length: count }, () => generator.next(rng, targetTokens));
}

describe('question generator', () => {
  describe('uniqueness with cacheBehavior avoid', () => {
    it.each(QUESTION_STRATEGIES)('repeats (almost) no %s question in 100,000', (strategy) => {
      const generator = new QuestionGenerator({ strategy, seed: 'uniqueness' });
      const rng = new Rng(`uniqueness-${strategy}`);
      const started = performance.now();
      const questions = generate(generator, rng, COUNT);
      const elapsed = performance.now() - started;
      const distinct = new Set(questions).size;
      console.log(
        `${strategy}: ${distinct} distinct of ${COUNT} (${((100 * distinct) / COUNT).toFixed(3)}%), ${elapsed.toFixed(0)} ms`,
      );
      expect(distinct / COUNT).toBeGreaterThanOrEqual(0.999);
    });

    // A short target drops the opener and tails, which carry much of the variety (random_short: < 50 tokens).
    it.each(QUESTION_STRATEGIES)(
      'repeats (almost) no %s question in 100,000 sized to 20 tokens',
      (strategy) => {
        const generator = new QuestionGenerator({ strategy, seed: 'short' });
        const questions = generate(generator, new Rng(`short-${strategy}`), COUNT, 20);
        expect(new Set(questions).size / COUNT).toBeGreaterThanOrEqual(0.999);
      },
    );

    it('stays unique across users with their own seeds', () => {
      const questions = new Set<string>();
      for (let user = 0; user < 1_000; user++) {
        const generator = new QuestionGenerator({ strategy: 'mixed', seed: user });
        const rng = new Rng(user * 1337);
        for (const question of generate(generator, rng, 100)) questions.add(question);
      }
      expect(questions.size / COUNT).toBeGreaterThanOrEqual(0.999);
    });
  });

  it('replays the same questions for the same seed', () => {
    const run = (seed: string): string[] =>
      generate(new QuestionGenerator({ strategy: 'mixed', seed }), new Rng(seed), 50, 120);
    expect(run('user-3')).toEqual(run('user-3'));
    expect(run('user-3')).not.toEqual(run('user-4'));
  });

  it('writes questions in every strategy as sentences ending in a question mark or period', () => {
    for (const strategy of QUESTION_STRATEGIES) {
      const generator = new QuestionGenerator({ strategy, seed: 1 });
      for (const question of generate(generator, new Rng(strategy), 200)) {
        expect(question).toMatch(/^[A-Z].*[.?!]$/s);
        expect(question).not.toMatch(/\{|\}| {2}|undefined/);
      }
    }
  });

  it('keeps unpadded questions short (random_short wants < 50 tokens on average)', () => {
    const generator = new QuestionGenerator({ strategy: 'mixed', seed: 2 });
    const tokens = generate(generator, new Rng(2), 10_000).map(estimateTokens);
    const mean = tokens.reduce((sum, t) => sum + t, 0) / tokens.length;
    expect(mean).toBeLessThan(50);
  });

  describe.each([50, 200, 1000])('with targetTokens %d', (target) => {
    it('produces prompts within ±15% of the target by estimateTokens', () => {
      for (const strategy of QUESTION_STRATEGIES) {
        const generator = new QuestionGenerator({ strategy, seed: target });
        for (const prompt of generate(generator, new Rng(`${strategy}-${target}`), 300, target)) {
          expect(Math.abs(estimateTokens(prompt) / target - 1)).toBeLessThanOrEqual(0.15);
        }
      }
    });

    it('also sizes prompts drawn from the cached pool', () => {
      const generator = new QuestionGenerator({ strategy: 'technical', seed: 1, cacheBehavior: 'prefer' });
      for (const prompt of generate(generator, new Rng(1), 100, target))
        expect(Math.abs(estimateTokens(prompt) / target - 1)).toBeLessThanOrEqual(0.15);
    });
  });

  describe('cacheBehavior prefer', () => {
    it(`draws from a pool of at most ${CACHED_POOL_SIZE} prompts, so most requests can hit the cache`, () => {
      const generator = new QuestionGenerator({
        strategy: 'historical',
        seed: 1,
        cacheBehavior: 'prefer',
        cacheSalt: 'a',
      });
      const questions = generate(generator, new Rng(1), 1_000);
      const distinct = new Set(questions);
      expect(distinct.size).toBeLessThanOrEqual(20);
      expect([...distinct].every((q) => generator.cachedPool().includes(q))).toBe(true);
      // A prompt is a cache hit when it was seen before.
      const hitRate = 1 - distinct.size / questions.length;
      expect(hitRate).toBeGreaterThan(0.8);
    });

    it('shares the pool between users with the same salt, and not across salts', () => {
      const pool = (seed: number, cacheSalt?: string): readonly string[] =>
        new QuestionGenerator({ strategy: 'mixed', seed, cacheBehavior: 'prefer', cacheSalt }).cachedPool();
      expect(pool(1, 'team-a')).toEqual(pool(2, 'team-a'));
      expect(pool(1, 'team-a')).not.toEqual(pool(1, 'team-b'));
      expect(pool(1)).not.toEqual(pool(2));
      expect(new Set(pool(1, 'team-a')).size).toBe(CACHED_POOL_SIZE);
    });

    it('repeats padded pool prompts exactly', () => {
      const generator = new QuestionGenerator({ strategy: 'geographical', seed: 1, cacheBehavior: 'prefer' });
      expect(new Set(generate(generator, new Rng(3), 500, 300)).size).toBeLessThanOrEqual(CACHED_POOL_SIZE);
    });
  });

  it('mixes pool and fresh prompts half and half with cacheBehavior mixed', () => {
    const generator = new QuestionGenerator({ strategy: 'mixed', seed: 1, cacheBehavior: 'mixed' });
    const pool = new Set(generator.cachedPool());
    const fromPool = generate(generator, new Rng(4), 10_000).filter((q) => pool.has(q)).length;
    expect(fromPool / 10_000).toBeGreaterThan(0.47);
    expect(fromPool / 10_000).toBeLessThan(0.53);
  });

  it("asks the scenario's own questions (advanced.questionTemplates) instead of the banks'", () => {
    const templates: { template: string; variables: Record<string, string[]> }[] = [
      {
        template: 'How do I deploy {service} on {platform}?',
        variables: { service: ['redis', 'vllm', 'postgres'], platform: ['k8s', 'nomad'] },
      },
      {
        template: 'Compare {service} release {n:1-20} with the previous one.',
        variables: { service: ['redis', 'vllm'] },
      },
    ];
    const generator = new QuestionGenerator({ strategy: 'technical', seed: 'custom', templates });
    const questions = generate(generator, new Rng('custom'), 2_000);
    const core =
      /How do I deploy (redis|vllm|postgres) on (k8s|nomad)\?|Compare (redis|vllm) release ([1-9]|1\d|20) with the previous one\./;
    expect(questions.every((q) => core.test(q))).toBe(true);
    // Both templates and every value are used; the openers and tails around them keep questions distinct.
    expect(questions.some((q) => q.includes('How do I deploy'))).toBe(true);
    expect(questions.some((q) => q.includes('Compare'))).toBe(true);
    for (const v of ['redis', 'vllm', 'postgres', 'k8s', 'nomad'])
      expect(questions.some((q) => q.includes(v))).toBe(true);
    expect(new Set(questions).size).toBeGreaterThan(0.9 * questions.length);
    // The prefer pool is drawn from the same templates.
    const pooled = new QuestionGenerator({
      strategy: 'technical',
      seed: 'custom',
      cacheBehavior: 'prefer',
      templates,
    });
    expect(pooled.cachedPool().every((q) => core.test(q))).toBe(true);
  });

  it('refuses a target that is not a positive number', () => {
    const generator = new QuestionGenerator({ strategy: 'mixed', seed: 1 });
    expect(() => generator.next(new Rng(1), 0)).toThrow(RangeError);
    expect(() => generator.next(new Rng(1), Number.NaN)).toThrow(RangeError);
  });
});

describe('estimateTokens', () => {
  it('counts about four characters per token', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('x'.repeat(4000))).toBe(1000);
  });
});
