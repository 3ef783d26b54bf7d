import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExposition, valueOf } from '../../../../test-support/pushgateway.js';
import { RunMetrics } from '../metrics/run-metrics.js';
import { resultOf, type RunResult, type StopReason } from '../metrics/run-result.js';
import { PushgatewayReporter, type ReporterLog } from './pushgateway-reporter.js';
import type { LiveStatus, RunStart } from './reporter.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

/** An in-process stand-in for the gateway: records requests and answers as `answer` says. */
async function fakeGateway(
  answer: (req: Seen, n: number) => { status: number; delayMs?: number } = () => ({ status: 200 }),
): Promise<{ url: string; seen: Seen[]; maxConcurrent: () => number; server: Server }> {
  const seen: Seen[] = [];
  let open = 0;
  let max = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    open++;
    max = Math.max(max, open);
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const s = {
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      };
      seen.push(s);
      const a = answer(s, seen.length);
      setTimeout(() => {
        open--;
        res.writeHead(a.status).end(a.status >= 400 ? 'push rejected' : '');
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  servers.push(server);
  return { url: `http://127.0.0.1:${port}`, seen, maxConcurrent: () => max, server };
}

const servers: Server[] = [];
const reporters: PushgatewayReporter[] = [];
afterEach(async () => {
  await Promise.all(reporters.splice(0).map((r) => r.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function capturingLog(): ReporterLog & { lines: { level: string; text: string }[] } {
  const lines: { level: string; text: string }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg: string): void => {
      lines.push({ level, text: `${msg} ${JSON.stringify(obj)}` });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function reporter(url: string, extra: Partial<ConstructorParameters<typeof PushgatewayReporter>[0]> = {}) {
  const log = capturingLog();
  const r = new PushgatewayReporter({
    url,
    testRunId: 'test-1',
    workerId: 'worker-a',
    intervalMs: 50,
    finalRetryDelaysMs: [10, 10, 10],
    log,
    ...extra,
  });
  reporters.push(r);
  return { r, log };
}

const start: RunStart = {
  testRunId: 'test-1',
  workerId: 'worker-a',
  scenario: 'unit',
  mode: 'constant',
  target: 'http://target',
  plannedS: 1,
  plannedRequests: null,
  requestedRate: 1,
  users: 1,
};

const status = (phase: LiveStatus['phase'] = 'running'): LiveStatus => ({
  phase,
  elapsedS: 1,
  plannedS: 1,
  progress: 1,
  sent: 0,
  ok: 0,
  errors: 0,
  inFlight: 0,
  usersActive: 0,
  currentRate: 0,
  requestedRate: 1,
  ttftP50: null,
  ttftP95: null,
  latencyP50: null,
  latencyP95: null,
  outputTokensPerS: 0,
  errorsByClass: {},
  costUSD: 0,
  label: null,
});

function emptyResult(stopReason: StopReason = 'completed'): RunResult {
  return resultOf([
    {
      kind: 'llmops-loadtest-run',
      v: 1,
      workers: [
        {
          testRunId: 'test-1',
          workerId: 'worker-a',
          shard: { index: 0, count: 1 },
          scenario: 'unit',
          mode: 'constant',
          target: 'http://target',
          startedAt: 0,
          endedAt: 1_000,
          requestedRate: 1,
          concurrency: null,
          users: 1,
          stopReason,
        },
      ],
      metrics: new RunMetrics().toJSON(),
      sweep: null,
    },
  ]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `cond` holds (polling), so a busy machine makes the test slower, not red. */
async function until(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
const statusIn = (body: string): number | undefined =>
  valueOf(parseExposition(body), 'loadtest_worker_status');

describe('PushgatewayReporter', () => {
  it('PUTs the group at start and then every interval, with status running', async () => {
    const gw = await fakeGateway();
    const { r } = reporter(gw.url);
    r.onStart(start);
    await until(() => gw.seen.length >= 3);
    for (const s of gw.seen) {
      expect(s.method).toBe('PUT');
      expect(s.url).toBe('/metrics/job/loadtest_worker/test_run_id/test-1/worker_id/worker-a');
      expect(statusIn(s.body)).toBe(2);
    }
  });

  it('never overlaps pushes: a tick during a slow push is skipped', async () => {
    const gw = await fakeGateway(() => ({ status: 200, delayMs: 140 }));
    const { r } = reporter(gw.url);
    r.onStart(start);
    await until(() => r.stats.skipped > 0 && gw.seen.length >= 2);
    expect(gw.maxConcurrent()).toBe(1);
  });

  it('ends with a final push of status complete, or error when the run failed or its error limits stopped it', async () => {
    for (const [stop, code] of [
      ['completed', 3],
      ['maxRequests', 3],
      ['error', 4],
      ['maxErrorRate', 4],
      ['stopOnErrors', 4],
    ] as const) {
      const gw = await fakeGateway();
      const { r } = reporter(gw.url, { intervalMs: 60_000 });
      r.onStart(start);
      await r.onEnd(emptyResult(stop), status());
      expect(statusIn(gw.seen.at(-1)?.body ?? '')).toBe(code);
    }
  });

  it('sends URL credentials as basic auth and never logs them', async () => {
    let n = 0;
    const gw = await fakeGateway(() => ({ status: n++ === 0 ? 500 : 200 }));
    const { r, log } = reporter(gw.url.replace('http://', 'http://pusher:hunter2-secret@'));
    expect(r.groupUrl).not.toContain('hunter2');
    r.onStart(start);
    await until(() => log.lines.some((l) => l.level === 'info'));
    expect(gw.seen[0]?.authorization).toBe(
      `Basic ${Buffer.from('pusher:hunter2-secret').toString('base64')}`,
    );
    const warn = log.lines.find((l) => l.level === 'warn');
    expect(warn?.text).toMatch(/answered 500: push rejected/);
    expect(log.lines.some((l) => l.level === 'info' && /succeeded again/.test(l.text))).toBe(true);
    for (const l of log.lines) expect(l.text).not.toContain('hunter2');
  });

  it('retries the final push with backoff, then logs the failure without throwing', async () => {
    const gw = await fakeGateway(() => ({ status: 503 }));
    const { r, log } = reporter(gw.url, { intervalMs: 60_000 });
    await r.onEnd(emptyResult(), status());
    expect(gw.seen.length).toBe(4);
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(log.lines.find((l) => l.level === 'error')?.text).toMatch(/final push failed after 4 attempts/);
    expect(log.lines.filter((l) => /final push failed; retrying in 10 ms/.test(l.text))).toHaveLength(3);
  });

  it('retries the final push until it lands', async () => {
    const gw = await fakeGateway((_s, n) => ({ status: n < 3 ? 502 : 200 }));
    const { r, log } = reporter(gw.url, { intervalMs: 60_000 });
    await r.onEnd(emptyResult(), status());
    expect(gw.seen.length).toBe(3);
    expect(statusIn(gw.seen[2]?.body ?? '')).toBe(3);
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(0);
  });

  it('close waits for the final push of onEnd instead of cutting it off', async () => {
    const gw = await fakeGateway(() => ({ status: 200, delayMs: 100 }));
    const { r } = reporter(gw.url, { intervalMs: 60_000 });
    const ending = r.onEnd(emptyResult(), status());
    await r.close();
    await ending;
    expect(gw.seen).toHaveLength(1);
    expect(statusIn(gw.seen[0]?.body ?? '')).toBe(3);
    expect(r.stats).toEqual({ succeeded: 1, failed: 0, skipped: 0 });
  });

  it('deletes the group at the end with deleteOnEnd', async () => {
    const gw = await fakeGateway();
    const { r } = reporter(gw.url, { intervalMs: 60_000, deleteOnEnd: true });
    r.onStart(start);
    await r.onEnd(emptyResult(), status());
    expect(gw.seen.map((s) => s.method)).toEqual(['PUT', 'DELETE']);
    expect(gw.seen[1]?.url).toBe('/metrics/job/loadtest_worker/test_run_id/test-1/worker_id/worker-a');
  });

  it('pushes status error when closed without onEnd (the run failed), and stops pushing', async () => {
    const gw = await fakeGateway();
    const { r } = reporter(gw.url);
    r.onStart(start);
    await r.close();
    const count = gw.seen.length;
    expect(statusIn(gw.seen.at(-1)?.body ?? '')).toBe(4);
    await sleep(120);
    expect(gw.seen.length).toBe(count);
  });

  it('rejects a bad URL or interval when constructed', () => {
    expect(() => new PushgatewayReporter({ url: 'ftp://x', testRunId: 't', workerId: 'w' })).toThrow(/http/);
    expect(
      () => new PushgatewayReporter({ url: 'http://x', testRunId: 't', workerId: 'w', intervalMs: 0 }),
    ).toThrow(/interval/);
  });
});
