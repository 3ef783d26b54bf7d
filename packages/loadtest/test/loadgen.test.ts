import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@llmops/core';
import {
  loadgenConfig,
  loadPrompts,
  runLoadgen,
  summaryLines,
  DEFAULT_PROMPTS,
  type LoadgenResult,
} from '@llmops/loadtest';
import { simLlmConfig, startSimLlm, type RunningSimLlm } from '@llmops/sim';
import { compatPath } from '../../../test-support/compat.js';

let sim: RunningSimLlm;
let faulty: RunningSimLlm;

beforeAll(async () => {
  sim = await startSimLlm(loadConfig(simLlmConfig, { env: {}, flags: { port: 0, timeScale: 0.05 } }));
  faulty = await startSimLlm(
    loadConfig(simLlmConfig, { env: {}, flags: { port: 0, zeroDelay: true, faults: '500=0.5', seed: 3 } }),
  );
});
afterAll(async () => {
  await sim.close();
  await faulty.close();
});

/** Both HTTP clients the load generator can measure through. */
const CLIENTS = ['lean', 'undici'] as const;

const config = (env: Record<string, string>) =>
  loadConfig(loadgenConfig, { env: { PROGRESS_SECONDS: '0', ...env } });

describe('loadgen (the AIM_* load generator)', () => {
  it("reads the demo's prompts.json, and uses the same three prompts by default", async () => {
    expect(await loadPrompts(compatPath('reachy/prompts.json'))).toEqual(DEFAULT_PROMPTS);
  });

  it('sends the configured rate (open loop) and prints the original summary line', async () => {
    const r = await runLoadgen(
      config({
        AIM_BASE_URL: sim.url,
        AIM_MODEL: 'sim-small',
        CONCURRENCY: '4',
        QPS_PER_WORKER: '5',
        DURATION_SECONDS: '2',
      }),
    );
    expect(r.requested).toBe(40);
    expect(r.successes + r.errors + r.dropped).toBe(40);
    expect(r.successes).toBe(40);
    expect(r.achievedRate).toBeGreaterThan(20 * 0.9);
    expect(r.achievedRate).toBeLessThan(20 * 1.1);
    expect(r.latency.count).toBe(40);
    expect(r.exitCode).toBe(0);
    expect(summaryLines(r)[0]).toMatch(
      /^requests=40 successful, 0 errors, p50=\d+\.\dms p95=\d+\.\dms mean=\d+\.\dms url=http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions$/,
    );
  });

  it('starts ⌈rate × duration⌉ requests, none lost to float error, and reports the achieved rate over the sends', async () => {
    // 13.75/s for 0.8 s is 11 requests, 72.7 ms apart; 1000/(1000/13.75) × 0.8 comes out as 10.999….
    const r = await runLoadgen(
      config({
        AIM_BASE_URL: sim.url,
        AIM_MODEL: 'sim-small',
        CONCURRENCY: '1',
        QPS_PER_WORKER: '13.75',
        DURATION_SECONDS: '0.8',
        MAX_TOKENS: '2',
      }),
    );
    expect(r.requested).toBe(11);
    expect(r.successes).toBe(11);
    // As RunMetrics: 11 sends span 10 gaps. Started / time spent sending would say ~15/s.
    expect(r.achievedRate).toBeGreaterThan(13.75 * 0.95);
    expect(r.achievedRate).toBeLessThan(13.75 * 1.05);
  });

  /**
   * Loadgen at 20 req/s for `seconds` against sim-large in real time, which answers 20 tokens in ~0.7 s: 2 workers
   * waiting for answers (the original's closed loop) would manage ~3/s.
   */
  async function againstSlowSim(seconds: string, env: Record<string, string> = {}): Promise<LoadgenResult> {
    const slow = await startSimLlm(
      loadConfig(simLlmConfig, { env: {}, flags: { port: 0, honorMaxTokens: true } }),
    );
    try {
      return await runLoadgen(
        config({
          AIM_BASE_URL: slow.url,
          AIM_MODEL: 'sim-large',
          CONCURRENCY: '2',
          QPS_PER_WORKER: '10',
          DURATION_SECONDS: seconds,
          MAX_TOKENS: '20',
          ...env,
        }),
      );
    } finally {
      await slow.close();
    }
  }

  it('keeps the rate when answers are slower than the interval, unlike a closed loop', async () => {
    const r = await againstSlowSim('1.5');
    expect(r.achievedRate).toBeGreaterThan(18);
    expect(r.successes).toBe(r.requested);
    expect(r.latency.p50).toBeGreaterThan(500);
  });

  it('counts requests dropped at MAX_IN_FLIGHT as failed: an endpoint that cannot take the load exits 1', async () => {
    const r = await againstSlowSim('1', { MAX_IN_FLIGHT: '2' });
    expect(r.errors).toBe(0);
    expect(r.successes).toBeGreaterThan(0);
    expect(r.dropped).toBeGreaterThan(r.requested / 2);
    expect(r.exitCode).toBe(1);
    expect(summaryLines(r).at(-1)).toMatch(/dropped requests included/);
  });

  it.each(CLIENTS)(
    'counts errors by type and exits 1 above MAX_ERROR_RATE (LOADTEST_HTTP_CLIENT=%s)',
    async (client) => {
      const r = await runLoadgen(
        config({
          AIM_BASE_URL: faulty.url,
          AIM_MODEL: 'sim-small',
          CONCURRENCY: '4',
          QPS_PER_WORKER: '10',
          DURATION_SECONDS: '2',
          MAX_ERROR_RATE: '0.2',
          LOADTEST_HTTP_CLIENT: client,
        }),
      );
      expect(r.errorsByType['http_500']).toBe(r.errors);
      expect(r.errors / (r.errors + r.successes)).toBeGreaterThan(0.3);
      expect(r.errors / (r.errors + r.successes)).toBeLessThan(0.7);
      expect(r.exitCode).toBe(1);
      expect(summaryLines(r).join('\n')).toMatch(/errors by type: http_500=\d+/);
      // Each type of failure is explained by what the server said, not only counted.
      expect(r.errorSamples['http_500']?.samples[0]?.status).toBe(500);
      expect(summaryLines(r).join('\n')).toMatch(/^ {2}http_500 \(\d+x\): \S/m);
    },
  );

  it('exits 2 with a clear message when nothing succeeds, counting connection errors', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await runLoadgen(
      config({
        AIM_BASE_URL: `http://127.0.0.1:${port}`,
        CONCURRENCY: '2',
        QPS_PER_WORKER: '5',
        DURATION_SECONDS: '0.5',
      }),
    );
    expect(r.successes).toBe(0);
    expect(r.errorsByType['connection']).toBe(r.errors);
    expect(r.exitCode).toBe(2);
    expect(summaryLines(r).at(-1)).toMatch(/^ERROR: No successful requests/);
    expect(summaryLines(r).join('\n')).toMatch(/^ {2}connection \(\d+x\): .*ECONNREFUSED/m);
  });

  it.each(CLIENTS)('reports TTFT when streaming (LOADTEST_HTTP_CLIENT=%s)', async (client) => {
    const r = await runLoadgen(
      config({
        AIM_BASE_URL: sim.url,
        AIM_MODEL: 'sim-small',
        CONCURRENCY: '2',
        QPS_PER_WORKER: '5',
        DURATION_SECONDS: '1',
        STREAM: 'true',
        LOADTEST_HTTP_CLIENT: client,
      }),
    );
    expect(r.successes).toBe(10);
    expect(r.ttft?.count).toBe(r.successes);
    expect(r.ttft?.p50).toBeGreaterThan(0);
  });

  it('names LOADTEST_HTTP_CLIENT when its value is not a client', () => {
    expect(() => config({ LOADTEST_HTTP_CLIENT: 'curl' })).toThrow(/LOADTEST_HTTP_CLIENT/);
  });
});
