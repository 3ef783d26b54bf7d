import { resolve } from 'node:path';
import { loadConfig } from '@llmops/core';
import { loadtestRunConfig, parseScenario, runLoadTest, type LoadTestScenario } from '@llmops/loadtest';
import type { CommandContext } from './command.js';

/**
 * The load test `npm start` runs against the fresh stack: two tenants bootstrapped through the gateway's
 * management API, ten users arriving over the first quarter of the run and asking short streamed questions and
 * repeated (cacheable) ones with think time.
 */
export function demoScenario(gatewayUrl: string, seconds: number): LoadTestScenario {
  return parseScenario(
    {
      apiVersion: 'loadtest.ai-aas.dev/v1',
      kind: 'LoadTestScenario',
      metadata: { name: 'local-demo' },
      spec: {
        organizations: { count: 2, namePrefix: 'demo-load' },
        users: { perOrg: { min: 5, max: 5 }, apiKeys: { perUser: 1, expiryDays: 1 } },
        userBehavior: {
          thinkTimeSeconds: { base: 1, variance: 0.5, distribution: 'uniform', min: 0.2, max: 3 },
          questionsPerSession: { min: 3, max: 6 },
          conversationStyle: { multiTurnProbability: 0.3 },
          maxTokensPerRequest: { base: 120, variance: 60, distribution: 'uniform', min: 16, max: 256 },
        },
        targets: { apiRouterUrl: gatewayUrl, userOrgUrl: gatewayUrl, timeout: 30 },
        limits: { maxDurationSec: seconds, maxErrorRate: 0.5 },
        // Users arrive over the first quarter, then all ten stay until the end (the live view names the phase).
        loadPattern: {
          type: 'ramp-up',
          phases: [
            { name: 'ramp-up', duration: seconds / 4, targetActiveUsers: 10, rampStrategy: 'linear' },
            { name: 'steady', duration: (seconds * 3) / 4, targetActiveUsers: 10 },
          ],
        },
        pricing: { 'llm-prod': { inputPerMTokUSD: 0.5, outputPerMTokUSD: 1.5 } },
        // continuousLoop: users keep starting sessions until the time is up.
        testTypes: [
          {
            name: 'random_short',
            weight: 70,
            questionStrategy: 'mixed',
            streamingResponse: true,
            continuousLoop: true,
          },
          {
            name: 'cached',
            weight: 30,
            questionStrategy: 'historical',
            cacheBehavior: 'prefer',
            streamingResponse: true,
            continuousLoop: true,
          },
        ],
      },
    },
    'the built-in demo scenario',
  );
}

/** Runs the demo load test, writes its HTML report into the data directory and says where. */
export async function runDemoLoad(
  opts: { gatewayUrl: string; managementToken: string; dataDir: string; seconds: number },
  ctx: CommandContext,
): Promise<void> {
  const scenario = demoScenario(opts.gatewayUrl, opts.seconds);
  const cfg = loadConfig(loadtestRunConfig, {
    env: {},
    flags: {
      adminKey: opts.managementToken,
      model: 'llm-prod',
      // Each start takes back the two projects the previous start's cleanup left inactive.
      reuseTenants: true,
      html: resolve(opts.dataDir, 'reports', 'demo-load.html'),
    },
  });
  ctx.err(
    `Running a ${opts.seconds}s demo load test through the gateway (set LLMOPS_DEMO_LOAD=false to skip)…`,
  );
  const outcome = await runLoadTest(cfg, scenario, {
    out: ctx.out,
    err: ctx.err,
    isTTY: ctx.isTTY,
    signal: ctx.signal,
    ...(ctx.isTTY ? { terminal: process.stderr } : {}),
  });
  const r = outcome.result.report;
  ctx.out(
    `Demo load test: ${r.requests.ok} ok, ${r.requests.errors} errors, TTFT p50 ${r.latency.ttft.p50.toFixed(1)} ms; report: ${outcome.htmlPath ?? '(not written)'}`,
  );
}
