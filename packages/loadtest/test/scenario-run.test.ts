import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@llmops/core';
import {
  loadtestRunConfig,
  mergeRunFiles,
  runLoadTest,
  type LoadTestOutcome,
  type RunFile,
} from '@llmops/loadtest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGEMENT_TOKEN, startGateway, type Gateway } from '../../proxy/test/gateway-harness.js';
import { compatPath } from '../../../test-support/compat.js';

let gw: Gateway;
let dir: string;

beforeAll(async () => {
  gw = await startGateway();
  dir = mkdtempSync(join(tmpdir(), 'llmops-lt-'));
}, 30_000);

afterAll(async () => {
  await gw?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(
  scenario: string | undefined,
  flags: Record<string, unknown>,
  signal = new AbortController().signal,
): Promise<{ outcome: LoadTestOutcome; err: string[] }> {
  const cfg = loadConfig(loadtestRunConfig, { env: {}, flags: { progress: false, ...flags } });
  const err: string[] = [];
  const outcome = await runLoadTest(cfg, scenario, {
    out: () => {},
    err: (l) => err.push(l),
    isTTY: false,
    signal,
  });
  return { outcome, err };
}

/** The gateway's proxied-request audit count, read again until two reads 200 ms apart agree. */
async function settledProxyRequests(): Promise<number> {
  let last = -1;
  for (;;) {
    const page = await gw.manage<{ pagination: { total_count: number } }>(
      'GET',
      '/manage/audit?action=proxy_request',
    );
    const n = page.body.pagination.total_count;
    if (n === last) return n;
    last = n;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Points one of the original's example scenarios at the local gateway, with its pacing compressed. */
const onGateway = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  url: gw.proxy.url,
  adminKey: MANAGEMENT_TOKEN,
  model: 'llm-prod',
  thinkTimeScale: 0.01,
  ...extra,
});

describe("the original's example scenarios on the local gateway", () => {
  it('runs smoke-test.yaml: bootstraps 1 org × 5 users, every user asks its 3–5 questions, cleans up', async () => {
    const json = join(dir, 'smoke.json');
    const { outcome, err } = await run(compatPath('loadtest-scenarios/smoke-test.yaml'), onGateway({ json }));
    const r = outcome.result;
    expect(r.scenario).toBe('smoke-test');
    expect(r.mode).toBe('users');
    expect(r.stopReason).toBe('completed');
    expect(r.report.requests.errors).toBe(0);
    // 5 users × 3–5 questions, capped by maxRequests: 100.
    expect(r.report.requests.total).toBeGreaterThanOrEqual(15);
    expect(r.report.requests.total).toBeLessThanOrEqual(25);
    expect(outcome.exitCode).toBe(0);
    expect(err.join('\n')).toMatch(/bootstrap: created 1 organizations, 5 users, 5 keys/);
    expect(err.join('\n')).toMatch(/cleanup: deleted 5 keys/);
    expect(err.join('\n')).not.toContain(MANAGEMENT_TOKEN);
    const file = JSON.parse(readFileSync(json, 'utf8')) as RunFile;
    expect(file.kind).toBe('llmops-loadtest-run');
    expect(file.result.report.requests.total).toBe(r.report.requests.total);
    // The bootstrapped keys were revoked at the end: the gateway now holds only inactive tokens for the project.
    const tokens = await gw.manage<{ is_active: boolean }[]>('GET', '/manage/tokens');
    expect(tokens.body.filter((t) => t.is_active)).toEqual([]);
  }, 60_000);

  it('runs the ConfigMap form of the smoke test the same way', async () => {
    const { outcome } = await run(compatPath('loadtest-scenarios/configmap-smoke-test.yaml'), onGateway());
    expect(outcome.result.scenario).toBe('smoke-test');
    expect(outcome.result.report.requests.ok).toBeGreaterThanOrEqual(15);
    expect(outcome.exitCode).toBe(0);
  }, 60_000);

  it('runs single-org-50-users.yaml with its three test types, streaming and JSON answers', async () => {
    const { outcome } = await run(
      compatPath('loadtest-scenarios/single-org-50-users.yaml'),
      onGateway({ maxRequests: 150 }),
    );
    const r = outcome.result;
    expect(r.stopReason).toBe('maxRequests');
    expect(r.report.requests.total).toBe(150);
    expect(r.report.requests.errors).toBe(0);
    expect(Object.keys(r.report.byTestType).sort()).toEqual(['cached', 'long_document', 'random_short']);
    // random_short and long_document stream, cached does not.
    expect(r.report.requests.streamed).toBeGreaterThan(0);
    expect(r.report.requests.streamed).toBeLessThan(150);
    // Multi-turn (probability 0.5) sends longer prompts than single questions; usage counts them.
    expect(r.report.tokens.promptSource.usage).toBe(150);
  }, 90_000);
});

describe('outputs that fail', () => {
  it('still cleans up the bootstrapped tenants when the --jsonl file cannot be written', async () => {
    const jsonl = join(dir, 'no-such-folder', 'requests.jsonl');
    const err: string[] = [];
    const cfg = loadConfig(loadtestRunConfig, {
      env: {},
      flags: { progress: false, ...onGateway({ jsonl }) },
    });
    await expect(
      runLoadTest(cfg, compatPath('loadtest-scenarios/smoke-test.yaml'), {
        out: () => {},
        err: (l) => err.push(l),
        isTTY: false,
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow(`cannot write request records to ${jsonl}`);
    expect(err.join('\n')).toMatch(/bootstrap: created 1 organizations, 5 users, 5 keys/);
    expect(err.join('\n')).toMatch(/cleanup: deleted 5 keys/);
    const tokens = await gw.manage<{ is_active: boolean }[]>('GET', '/manage/tokens');
    expect(tokens.body.filter((t) => t.is_active)).toEqual([]);
  }, 60_000);

  it('writes the summary, --json and --html before failing when the --jsonl file fails during the run (disk full)', async () => {
    const json = join(dir, 'despite-jsonl.json');
    const html = join(dir, 'despite-jsonl.html');
    const cfg = loadConfig(loadtestRunConfig, {
      env: {},
      flags: { progress: false, ...onGateway({ jsonl: '/dev/full', json, html }) },
    });
    await expect(
      runLoadTest(cfg, compatPath('loadtest-scenarios/smoke-test.yaml'), {
        out: () => {},
        err: () => {},
        isTTY: false,
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow(/cannot write request records to \/dev\/full/);
    // The run's results are not lost with the per-request file.
    expect((JSON.parse(readFileSync(json, 'utf8')) as RunFile).result.report.requests.total).toBeGreaterThan(
      0,
    );
    expect(existsSync(html)).toBe(true);
  }, 60_000);
});

describe('advanced: dry run, correlation id and question templates', () => {
  /** The smoke test with an `advanced` section added under its spec. */
  function withAdvanced(name: string, advanced: string[]): string {
    const original = readFileSync(compatPath('loadtest-scenarios/smoke-test.yaml'), 'utf8');
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      original.replace(/^spec:\n/m, `spec:\n  advanced:\n${advanced.map((l) => `    ${l}\n`).join('')}`),
    );
    return file;
  }

  it('--dry-run bootstraps and cleans up but sends no request, and exits 0', async () => {
    // Counted once the records of the previous test's last requests are written (the audit flushes every 50 ms).
    const before = await settledProxyRequests();
    const { outcome, err } = await run(
      compatPath('loadtest-scenarios/smoke-test.yaml'),
      onGateway({ dryRun: true }),
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.result.report.requests.total).toBe(0);
    const log = err.join('\n');
    expect(log).toMatch(/bootstrap: created 1 organizations, 5 users, 5 keys/);
    expect(log).toMatch(/cleanup: deleted 5 keys/);
    expect(log).toMatch(
      /dry run: users mode, 5 users, against http:\S+\/v1\/chat\/completions; test types .*no request was sent/,
    );
    expect(await settledProxyRequests()).toBe(before);
  }, 60_000);

  it('bootstraps with the --timeout given, not only targets.timeout: an admin API that never answers fails fast', async () => {
    const silent = createServer(() => {}); // accepts connections, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { port } = silent.address() as AddressInfo;
      const started = performance.now();
      await expect(
        run(compatPath('loadtest-scenarios/smoke-test.yaml'), {
          ...onGateway({ bootstrapUrl: `http://127.0.0.1:${port}` }),
          timeout: '200ms',
        }),
      ).rejects.toThrow(/could not create organization/);
      // The scenario's own targets.timeout is 60 s (its default): one try alone would take that long.
      expect(performance.now() - started).toBeLessThan(20_000);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  }, 60_000);

  it('--reuse-tenants takes back the projects the previous run left inactive instead of adding new ones', async () => {
    interface P {
      id: string;
      name: string;
      is_active: boolean;
    }
    const smoke = async () => {
      const { outcome, err } = await run(
        compatPath('loadtest-scenarios/smoke-test.yaml'),
        onGateway({ dryRun: true, reuseTenants: true }),
      );
      expect(outcome.exitCode).toBe(0);
      return err.join('\n');
    };
    const named = async () =>
      (await gw.manage<P[]>('GET', '/manage/projects')).body
        .filter((p) => p.name.startsWith('smoke-test-org-1'))
        .map(({ id, name, is_active }) => ({ id, name, is_active }));
    await smoke();
    const first = await named();
    // Named without the run id, and left inactive by the cleanup.
    expect(first.filter((p) => p.name === 'smoke-test-org-1')).toMatchObject([{ is_active: false }]);
    const log = await smoke();
    expect(log).toMatch(/bootstrap: organization "smoke-test-org-1" reuses inactive project /);
    expect(log).toMatch(/cleanup: deleted 5 keys/);
    expect(await named()).toEqual(first);
  }, 60_000);

  it('sends advanced.correlationId on every request, and the gateway audits it', async () => {
    const file = withAdvanced('advanced', ['correlationId: smoke-run-42']);
    const { outcome } = await run(file, onGateway());
    const total = outcome.result.report.requests.total;
    expect(total).toBeGreaterThanOrEqual(15);
    await new Promise((r) => setTimeout(r, 1500)); // the audit is written in batches
    const audit = await gw.manage<{ pagination: { total_count: number } }>(
      'GET',
      '/manage/audit?action=proxy_request&correlation_id=smoke-run-42',
    );
    expect(audit.body.pagination.total_count).toBe(total);
  }, 60_000);
});

describe('distributed scenario runs', () => {
  it('two workers each bootstrap their own users of smoke-test.yaml; merged they cover all five', async () => {
    const files = [0, 1].map((i) => join(dir, `smoke-w${i}.json`));
    const runs = await Promise.all(
      files.map((json, i) =>
        run(
          compatPath('loadtest-scenarios/smoke-test.yaml'),
          onGateway({ json, workers: 2, workerIndex: i, testRunId: 'test-smoke-distributed' }),
        ),
      ),
    );
    expect(runs[0]?.err.join('\n')).toMatch(/created 1 organizations, 3 users, 3 keys/);
    expect(runs[1]?.err.join('\n')).toMatch(/created 1 organizations, 2 users, 2 keys/);
    const merged = await mergeRunFiles(files);
    expect(merged.workers.map((w) => w.users).sort()).toEqual([2, 3]);
    expect(merged.report.requests.errors).toBe(0);
    expect(merged.report.requests.total).toBe(
      runs.reduce((a, r) => a + r.outcome.result.report.requests.total, 0),
    );
    expect(merged.report.requests.total).toBeGreaterThanOrEqual(15);
  }, 60_000);
});

describe('limits', () => {
  it('aborts on maxErrorRate when the upstream fails, and exits 1', async () => {
    const bad = await startGateway({ sim: { faults: { '500': 0.6 } } });
    try {
      const { outcome } = await run(undefined, {
        url: bad.sim.url,
        model: 'llm-prod',
        mode: 'concurrency',
        concurrency: 4,
        duration: 20_000,
        maxErrorRate: 0.2,
      });
      expect(outcome.result.stopReason).toBe('maxErrorRate');
      expect(outcome.result.report.errorsByClass['http_5xx']).toBeGreaterThan(0);
      // The report says what the failures said, as the simulator worded it.
      expect(outcome.result.report.errorSamples['http_5xx']?.samples[0]).toMatchObject({
        status: 500,
        message: expect.stringMatching(/\S/),
      });
      expect(outcome.exitCode).toBe(1);
      // It stopped long before the 20 s it was given.
      expect(outcome.result.endedAt - outcome.result.startedAt).toBeLessThan(10_000);
    } finally {
      await bad.close();
    }
  }, 60_000);

  it('stops at maxCostUSD, priced from the scenario, with under 5% overspend', async () => {
    const file = join(dir, 'priced.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: loadtest.ai-aas.dev/v1',
        'kind: LoadTestScenario',
        'metadata: { name: priced }',
        'spec:',
        '  organizations: { count: 1 }',
        '  users: { perOrg: { min: 4, max: 4 } }',
        '  userBehavior: { thinkTimeSeconds: { base: 0, variance: 0 }, questionsPerSession: { min: 1, max: 1 } }',
        `  targets: { apiRouterUrl: "${gw.sim.url}", bootstrapApi: none }`,
        '  limits: { maxCostUSD: 1, maxDuration: 30s }',
        '  load: { mode: concurrency, concurrency: 4, durationSec: 30 }',
        '  pricing: { llm-prod: { inputPerMTokUSD: 100, outputPerMTokUSD: 200 } }',
        '  testTypes: [{ name: chat, weight: 100, modelTargeting: { slmModels: [llm-prod] } }]',
      ].join('\n'),
    );
    const { outcome } = await run(file, {});
    const r = outcome.result;
    expect(r.stopReason).toBe('maxCost');
    expect(r.report.cost.unpricedRequests).toBe(0);
    expect(r.report.cost.usd).toBeGreaterThan(0.9);
    expect(r.report.cost.usd).toBeLessThanOrEqual(1.05);
  }, 60_000);
});
