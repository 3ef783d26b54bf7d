import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  freePort,
  parseExposition,
  samplesOf,
  startPushgateway,
  valueOf,
  type RunningPushgateway,
  type Sample,
} from '../../../test-support/pushgateway.js';
import type { RequestRecord } from '../src/metrics/request-record.js';
import { RunMetrics } from '../src/metrics/run-metrics.js';
import { resultOf, type RunResult } from '../src/metrics/run-result.js';
import { PushgatewayReporter, type ReporterLog } from '../src/report/pushgateway-reporter.js';
import type { LiveStatus, RunStart } from '../src/report/reporter.js';

// Runs the reporter against a real Pushgateway (scripts/ensure-debian-packages.sh installs it).

let pgw: RunningPushgateway;
const extra: RunningPushgateway[] = [];
const reporters: PushgatewayReporter[] = [];

beforeAll(async () => {
  pgw = await startPushgateway();
});
afterEach(async () => {
  await Promise.all(reporters.splice(0).map((r) => r.close()));
  await Promise.all(extra.splice(0).map((p) => p.stop()));
  // Each test owns its groups: start the next one from an empty gateway.
  const res = await fetch(`${pgw.url}/api/v1/admin/wipe`, { method: 'PUT' });
  expect(res.status).toBe(202);
});
afterAll(async () => {
  await pgw?.stop();
});

const runId = (prefix = 'test'): string => `${prefix}-${randomBytes(4).toString('hex')}`;

function capturingLog(): ReporterLog & { lines: { level: string; text: string }[] } {
  const lines: { level: string; text: string }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg: string): void => {
      lines.push({ level, text: `${msg} ${JSON.stringify(obj)}` });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function reporter(url: string, testRunId: string, workerId: string, log: ReporterLog = capturingLog()) {
  const r = new PushgatewayReporter({
    url,
    testRunId,
    workerId,
    intervalMs: 200,
    finalRetryDelaysMs: [50, 100, 200],
    log,
  });
  reporters.push(r);
  return r;
}

function record(over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    scheduledAt: 1_000,
    sentAt: 1_000,
    doneAt: 2_000,
    queueMs: 0,
    model: 'small-chat',
    testType: 'random_short',
    user: 0,
    ok: true,
    errorClass: null,
    status: 200,
    requestId: null,
    streamed: true,
    ttftMs: 150,
    ttfcMs: 150,
    e2eMs: 700,
    tpotMs: 25,
    itlMs: [],
    outputTokens: 20,
    outputTokenSource: 'usage',
    promptTokens: 40,
    promptTokenSource: 'usage',
    costUSD: 0.002,
    ...over,
  };
}

/** 6 successes (4 small-chat, 2 mid-chat) and 2 failures, with hand-picked latencies. */
const RECORDS: RequestRecord[] = [
  record({ e2eMs: 300, ttftMs: 80 }),
  record({ e2eMs: 700, ttftMs: 150 }),
  record({ e2eMs: 1_500, ttftMs: 450 }),
  record({ e2eMs: 12_000, ttftMs: 2_500, tpotMs: 50 }),
  record({ model: 'mid-chat', e2eMs: 2_000, ttftMs: 600, costUSD: 0.01 }),
  record({ model: 'mid-chat', streamed: false, ttftMs: null, ttfcMs: null, e2eMs: 900, tpotMs: null }),
  record({
    ok: false,
    errorClass: 'http_5xx',
    status: 503,
    ttftMs: null,
    e2eMs: null,
    tpotMs: null,
    outputTokens: 0,
  }),
  record({
    ok: false,
    errorClass: 'timeout_first_byte',
    status: 0,
    ttftMs: null,
    e2eMs: null,
    tpotMs: null,
    outputTokens: 0,
    promptTokens: 0,
  }),
];

const start = (testRunId: string, workerId: string): RunStart => ({
  testRunId,
  workerId,
  scenario: 'pgw-test',
  mode: 'constant',
  target: 'http://target.invalid',
  plannedS: 10,
  plannedRequests: null,
  requestedRate: 2,
  users: 3,
});

const live = (phase: LiveStatus['phase']): LiveStatus => ({
  phase,
  elapsedS: 4,
  plannedS: 10,
  progress: 0.4,
  sent: 8,
  ok: 6,
  errors: 2,
  inFlight: 0,
  usersActive: 3,
  currentRate: 2,
  requestedRate: 2,
  ttftP50: 150,
  ttftP95: 2500,
  latencyP50: null,
  latencyP95: null,
  outputTokensPerS: 30,
  errorsByClass: { http_5xx: 1, timeout_first_byte: 1 },
  costUSD: 0.024,
  label: null,
});

function resultFor(records: readonly RequestRecord[], testRunId: string, workerId: string): RunResult {
  const m = new RunMetrics();
  // Sends 500 ms apart: 8 sends span 3.5 s, an achieved rate of 7 / 3.5 = 2 req/s.
  records.forEach((r, i) => {
    m.noteSent(r.sentAt + i * 500);
    m.record(r);
  });
  return resultOf([
    {
      kind: 'llmops-loadtest-run',
      v: 1,
      workers: [
        {
          testRunId,
          workerId,
          shard: { index: 0, count: 1 },
          scenario: 'pgw-test',
          mode: 'constant',
          target: 'http://target.invalid',
          startedAt: 0,
          endedAt: 4_000,
          requestedRate: 2,
          concurrency: null,
          users: 3,
          stopReason: 'completed',
        },
      ],
      metrics: m.toJSON(),
      sweep: null,
    },
  ]);
}

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

/** Polls the gateway until `ready` holds for the samples of the group (or fails after `timeoutMs`). */
async function waitFor(
  url: string,
  group: Record<string, string>,
  ready: (s: Sample[]) => boolean,
  timeoutMs = 5_000,
): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await scrape(url).catch(() => []);
    const mine = all.filter((s) => Object.entries(group).every(([k, v]) => s.labels[k] === v));
    if (ready(mine)) return mine;
    if (Date.now() > deadline)
      throw new Error(`group ${JSON.stringify(group)} not as expected in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ApiGroups = z.object({
  status: z.literal('success'),
  data: z.array(
    z
      .object({
        labels: z.record(z.string(), z.string()),
        last_push_successful: z.boolean(),
        push_time_seconds: z.object({ metrics: z.array(z.object({ value: z.string() })) }),
      })
      .catchall(z.unknown()),
  ),
});

async function apiGroups(url: string): Promise<z.infer<typeof ApiGroups>['data']> {
  const res = await fetch(`${url}/api/v1/metrics`);
  return ApiGroups.parse(await res.json()).data;
}

const total = (s: Sample[]): number | undefined =>
  samplesOf(s, 'loadtest_requests_total').reduce((a, x) => a + x.value, 0);

describe('PushgatewayReporter against a real Pushgateway', () => {
  it('pushes exact counters and histograms under job/test_run_id/worker_id, status 2 then 3', async () => {
    const id = runId();
    const group = { job: 'loadtest_worker', test_run_id: id, worker_id: 'worker-a' };
    const r = reporter(pgw.url, id, 'worker-a');
    r.onStart(start(id, 'worker-a'));
    for (const rec of RECORDS) r.onRecord(rec);
    r.onTick(live('running'));

    const s = await waitFor(pgw.url, group, (x) => total(x) === RECORDS.length);
    expect(valueOf(s, 'loadtest_worker_status')).toBe(2);
    expect(valueOf(s, 'loadtest_requests_total', { model: 'small-chat', success: 'true' })).toBe(4);
    expect(valueOf(s, 'loadtest_requests_total', { model: 'small-chat', success: 'false' })).toBe(2);
    expect(valueOf(s, 'loadtest_requests_total', { model: 'mid-chat', success: 'true' })).toBe(2);
    expect(valueOf(s, 'loadtest_errors_total', { error_type: 'http_5xx' })).toBe(1);
    expect(valueOf(s, 'loadtest_errors_total', { error_type: 'timeout_first_byte' })).toBe(1);
    expect(valueOf(s, 'loadtest_tokens_total', { model: 'small-chat', token_type: 'completion' })).toBe(80);
    expect(valueOf(s, 'loadtest_tokens_total', { model: 'small-chat', token_type: 'prompt' })).toBe(200);
    expect(valueOf(s, 'loadtest_tokens_total', { model: 'mid-chat', token_type: 'total' })).toBe(120);
    expect(valueOf(s, 'loadtest_cost_usd', { model: 'mid-chat' })).toBeCloseTo(0.012, 12);
    expect(valueOf(s, 'loadtest_run_tokens_total')).toBe(400);
    expect(valueOf(s, 'loadtest_worker_users_active')).toBe(3);
    // Latency, seconds: small-chat 0.3 0.7 1.5 12 → cumulative ≤0.5: 1, ≤1: 2, ≤2: 3, ≤10: 3, ≤30: 4.
    const lat = (le: string): number | undefined =>
      valueOf(s, 'loadtest_request_latency_seconds_bucket', { model: 'small-chat', le });
    expect([lat('0.25'), lat('0.5'), lat('1'), lat('2'), lat('10'), lat('30'), lat('+Inf')]).toEqual([
      0, 1, 2, 3, 3, 4, 4,
    ]);
    expect(valueOf(s, 'loadtest_request_latency_seconds_sum', { model: 'small-chat' })).toBeCloseTo(14.5, 9);
    // TTFT, streams only: small-chat 80 150 450 2500; the mid-chat JSON answer has none.
    const ttft = (model: string, le: string): number | undefined =>
      valueOf(s, 'loadtest_llm_time_to_first_token_milliseconds_bucket', { model, le });
    expect([
      ttft('small-chat', '100'),
      ttft('small-chat', '200'),
      ttft('small-chat', '500'),
      ttft('small-chat', '3000'),
    ]).toEqual([1, 2, 3, 4]);
    expect(valueOf(s, 'loadtest_llm_time_to_first_token_milliseconds_count', { model: 'mid-chat' })).toBe(1);
    // Decode rate = 1000 / TPOT: three at 40 tok/s and one at 20.
    expect(valueOf(s, 'loadtest_llm_tokens_per_second_bucket', { model: 'small-chat', le: '20' })).toBe(1);
    expect(valueOf(s, 'loadtest_llm_tokens_per_second_bucket', { model: 'small-chat', le: '40' })).toBe(4);
    expect(valueOf(s, 'push_time_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
    for (const x of s) expect(x.labels).toMatchObject({ ...group, instance: '' });

    const groups = await apiGroups(pgw.url);
    expect(groups.map((g) => g.labels)).toEqual([group]);
    expect(groups[0]?.last_push_successful).toBe(true);

    await r.onEnd(resultFor(RECORDS, id, 'worker-a'), live('complete'));
    const after = await scrape(pgw.url);
    expect(valueOf(after, 'loadtest_worker_status', group)).toBe(3);
    expect(valueOf(after, 'loadtest_run_error_rate', group)).toBe(0.25);
    expect(valueOf(after, 'loadtest_run_requests_per_second', group)).toBe(2);
    expect(valueOf(after, 'loadtest_run_duration_seconds', group)).toBe(4);
    expect(valueOf(after, 'loadtest_run_cost_total_usd', group)).toBeCloseTo(0.024, 9);
  });

  it('shows status 1 while bootstrapping, before the run starts', async () => {
    const id = 'test-20250101-000000-boot0001';
    const r = reporter(pgw.url, id, 'worker-boot');
    r.onPhase('bootstrapping');
    const group = { job: 'loadtest_worker', test_run_id: id, worker_id: 'worker-boot' };
    const s = await waitFor(pgw.url, group, (x) => valueOf(x, 'loadtest_worker_status') !== undefined);
    expect(valueOf(s, 'loadtest_worker_status')).toBe(1);
    await r.close();
  });

  it('a second worker of the same run gets a group of its own', async () => {
    const id = runId();
    const a = reporter(pgw.url, id, 'worker-a');
    const b = reporter(pgw.url, id, 'worker-b');
    a.onStart(start(id, 'worker-a'));
    b.onStart(start(id, 'worker-b'));
    a.onRecord(record());
    for (let i = 0; i < 3; i++) b.onRecord(record());
    await Promise.all([
      a.onEnd(resultFor([record()], id, 'worker-a'), live('complete')),
      b.onEnd(resultFor([record()], id, 'worker-b'), live('complete')),
    ]);
    const groups = await apiGroups(pgw.url);
    expect(groups.map((g) => g.labels.worker_id).sort()).toEqual(['worker-a', 'worker-b']);
    const s = await scrape(pgw.url);
    expect(valueOf(s, 'loadtest_requests_total', { test_run_id: id, worker_id: 'worker-a' })).toBe(1);
    expect(valueOf(s, 'loadtest_requests_total', { test_run_id: id, worker_id: 'worker-b' })).toBe(3);
  });

  it('a test run id containing / round-trips through the @base64 path form', async () => {
    const id = `team/a/${runId()}`;
    const r = reporter(pgw.url, id, 'worker-a');
    r.onRecord(record());
    await r.onEnd(resultFor([record()], id, 'worker-a'), live('complete'));
    expect(r.groupUrl).toContain('/test_run_id@base64/');
    const groups = await apiGroups(pgw.url);
    expect(groups.map((g) => g.labels)).toEqual([
      { job: 'loadtest_worker', test_run_id: id, worker_id: 'worker-a' },
    ]);
    expect(valueOf(await scrape(pgw.url), 'loadtest_worker_status', { test_run_id: id })).toBe(3);
  });

  it.each(['.', '..'])(
    'a test run id %j keeps its own label instead of being cut from the path',
    async (id) => {
      const r = reporter(pgw.url, id, 'worker-a');
      r.onRecord(record());
      await r.onEnd(resultFor([record()], id, 'worker-a'), live('complete'));
      expect(r.stats.failed).toBe(0);
      const groups = await apiGroups(pgw.url);
      expect(groups.map((g) => g.labels)).toEqual([
        { job: 'loadtest_worker', test_run_id: id, worker_id: 'worker-a' },
      ]);
    },
  );

  it('keeps the run going while the gateway is down, logs without secrets, and pushes once it is up', async () => {
    const port = await freePort();
    const log = capturingLog();
    const id = runId();
    const r = reporter(`http://pusher:s3cr3t-pw@127.0.0.1:${port}`, id, 'worker-a', log);
    r.onStart(start(id, 'worker-a'));
    r.onRecord(record());
    // Two failed pushes in a row: the run went on through both.
    for (const deadline = Date.now() + 5_000; r.stats.failed < 2 && Date.now() < deadline;)
      await new Promise((res) => setTimeout(res, 20));
    expect(r.stats.failed).toBeGreaterThanOrEqual(2);
    const warn = log.lines.find((l) => l.level === 'warn');
    expect(warn?.text).toContain(`http://127.0.0.1:${port}/metrics/job/loadtest_worker/test_run_id/${id}`);
    expect(warn?.text).toMatch(/ECONNREFUSED/);

    const late = await startPushgateway({ port });
    extra.push(late);
    r.onRecord(record());
    const s = await waitFor(late.url, { test_run_id: id }, (x) => total(x) === 2);
    expect(valueOf(s, 'loadtest_worker_status')).toBe(2);
    expect(log.lines.some((l) => l.level === 'info' && /succeeded again/.test(l.text))).toBe(true);
    for (const l of log.lines) expect(l.text).not.toContain('s3cr3t');
  });
});
