import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../../../test-support/spawn-cli.js';
import { quietRun, readRecords, writeScenario } from './quiet-run.js';

// The simulator caches prompt prefixes as vLLM does and reports usage.prompt_tokens_details.cached_tokens.
let sim: SpawnedServer;
let noCache: SpawnedServer;
let dir: string;

beforeAll(async () => {
  [sim, noCache] = await Promise.all([
    spawnServer(['sim', 'llm', '--port', '0', '--zero-delay']),
    spawnServer(['sim', 'llm', '--port', '0', '--zero-delay', '--no-prefix-caching']),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'llmops-cache-'));
}, 30_000);

afterAll(async () => {
  await Promise.all([sim?.stop(), noCache?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The seed's two test types: unique short questions, and repeated ones under a cache salt. */
function scenario(url: string): string {
  return writeScenario(dir, `cache-${url.split(':').pop()}`, {
    url,
    users: 4,
    userBehavior: [
      'thinkTimeSeconds: { base: 0.005, variance: 0, min: 0.001, max: 0.01 }',
      'questionsPerSession: { min: 5, max: 5 }',
    ],
    spec: [
      'limits: { maxRequests: 300 }',
      'testTypes:',
      '  - { name: random_short, weight: 50, questionStrategy: mixed, cacheBehavior: avoid, continuousLoop: true,',
      '      modelTargeting: { slmModels: [sim-small] } }',
      '  - { name: cached, weight: 50, questionStrategy: historical, cacheBehavior: prefer, cacheSalt: soak-a,',
      '      continuousLoop: true, modelTargeting: { slmModels: [sim-small] } }',
    ],
  });
}

describe('prefix-cache hit rates (the seed: > 80% for cached, < 5% for random_short)', () => {
  it('measures them per test type from the usage the server reports', async () => {
    const jsonl = join(dir, 'cache.jsonl');
    const o = await quietRun(scenario(sim.url), { jsonl });
    const rep = o.result.report;
    const cached = rep.byTestType['cached']?.cache;
    const unique = rep.byTestType['random_short']?.cache;
    expect(cached?.reported).toBe(rep.byTestType['cached']?.requests);
    expect(cached?.hitRatio).toBeGreaterThan(0.8);
    expect(unique?.hitRatio).toBeLessThan(0.05);
    expect(rep.cache?.reported).toBe(300);
    expect(rep.cache?.hits).toBe((cached?.hits ?? 0) + (unique?.hits ?? 0));
    // The report agrees with the per-request records.
    const rs = readRecords(jsonl);
    const hits = rs.filter((r) => r.testType === 'cached' && (r.cachedPromptTokens ?? 0) > 0).length;
    expect(hits).toBe(cached?.hits);
    expect(rs.reduce((a, r) => a + (r.cachedPromptTokens ?? 0), 0)).toBe(rep.cache?.cachedTokens);
  }, 60_000);

  it('reports no cache figures when the server does not report cached tokens', async () => {
    const jsonl = join(dir, 'no-cache.jsonl');
    const o = await quietRun(scenario(noCache.url), { jsonl });
    expect(o.result.report.cache).toBeNull();
    expect(o.result.report.byTestType['cached']?.cache).toBeNull();
    expect(readRecords(jsonl).every((r) => r.cachedPromptTokens === undefined)).toBe(true);
  }, 60_000);
});
