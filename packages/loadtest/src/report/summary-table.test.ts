import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../metrics/request-record.js';
import { RunMetrics, type Slo } from '../metrics/run-metrics.js';
import { resultOf, type RunResult, type SerializedRun } from '../metrics/run-result.js';
import { describeSlo, summaryTable } from './summary-table.js';

const T0 = 1_700_000_000_000;

function record(i: number, over: Partial<RequestRecord> = {}): RequestRecord {
  const ttft = 100 * (i + 1);
  const e2e = 1000 * (i + 1);
  return {
    scheduledAt: T0 + i * 1000,
    sentAt: T0 + i * 1000,
    doneAt: T0 + i * 1000 + e2e,
    queueMs: 0,
    model: 'small-chat',
    testType: 'random_short',
    user: i,
    ok: true,
    errorClass: null,
    status: 200,
    requestId: null,
    streamed: true,
    ttftMs: ttft,
    ttfcMs: ttft,
    e2eMs: e2e,
    tpotMs: 10 * (i + 1),
    itlMs: [5, 10],
    outputTokens: 100,
    outputTokenSource: 'usage',
    promptTokens: 50,
    promptTokenSource: 'usage',
    costUSD: 0.0025,
    ...over,
  };
}

/**
 * Four streamed successes (TTFT 100/200/300/400 ms, E2E 1–4 s, TPOT 10–40 ms), one of them 20 ms late, and two
 * failures on another model and test type.
 */
const RECORDS: RequestRecord[] = [
  record(0),
  record(1),
  record(2, { queueMs: 20, sentAt: T0 + 2020 }),
  record(3),
  record(4, {
    doneAt: T0 + 4500,
    model: 'mid-chat',
    testType: 'cached',
    ok: false,
    errorClass: 'http_5xx',
    status: 503,
    error: 'HTTP 503: The server is overloaded, retry later',
    streamed: false,
    ttftMs: null,
    ttfcMs: null,
    e2eMs: null,
    tpotMs: null,
    itlMs: [],
    outputTokens: 0,
    outputTokenSource: 'none',
    costUSD: null,
  }),
  record(5, {
    doneAt: T0 + 5500,
    model: 'mid-chat',
    testType: 'cached',
    ok: false,
    errorClass: 'timeout_first_byte',
    status: 0,
    error: 'no response headers within 60000 ms',
    ttftMs: null,
    ttfcMs: null,
    e2eMs: null,
    tpotMs: null,
    itlMs: [],
    outputTokens: 0,
    outputTokenSource: 'none',
    costUSD: null,
  }),
];

function metricsOf(records: readonly RequestRecord[], slo: Slo | null): RunMetrics {
  const m = new RunMetrics(slo);
  for (const r of records) {
    m.noteSent(r.sentAt);
    m.record(r);
  }
  return m;
}

function run(slo: Slo | null, sweep: SerializedRun['sweep'] = null): RunResult {
  return resultOf([
    {
      kind: 'llmops-loadtest-run',
      v: 1,
      workers: [
        {
          testRunId: 'test-20250101-000000-abcd1234',
          workerId: 'worker-a',
          shard: { index: 0, count: 1 },
          scenario: 'summary-fixture',
          mode: sweep ? 'sweep' : 'constant',
          target: 'http://127.0.0.1:8000',
          startedAt: T0,
          endedAt: T0 + 10_000,
          requestedRate: 1,
          concurrency: null,
          users: 1,
          stopReason: 'duration',
        },
      ],
      metrics: metricsOf(RECORDS, slo).toJSON(),
      sweep,
    },
  ]);
}

/** The cells of the first line whose first cell is `label`. */
function row(lines: readonly string[], label: string): string[] {
  const line = lines.find((l) => l.trim().split(/\s{2,}/)[0] === label);
  if (line === undefined) throw new Error(`no "${label}" row in:\n${lines.join('\n')}`);
  return line.trim().split(/\s{2,}/);
}

describe('summary table', () => {
  const lines = summaryTable(run({ ttftMs: 250 }));
  const text = lines.join('\n');

  it('states the run facts: scenario, mode, target, duration, stop reason, requested vs achieved rate', () => {
    expect(lines[0]).toBe('Load test test-20250101-000000-abcd1234: scenario summary-fixture');
    expect(row(lines, 'mode')).toEqual(['mode', 'constant']);
    expect(row(lines, 'target')).toEqual(['target', 'http://127.0.0.1:8000']);
    // Wall time 10 s; requests from the first send (T0) to the last finish (T0 + 3 s + 4 s).
    expect(row(lines, 'duration')).toEqual(['duration', '10.0s (requests span 7.0s), stop: duration']);
    // 6 sends, the first at T0 and the last at T0 + 5 s: 5 gaps in 5 s.
    expect(row(lines, 'rate')).toEqual(['rate', 'requested 1.00 req/s, achieved 1.00 req/s']);
    expect(row(lines, 'late')[1]).toBe('1 of 6 requests sent more than 10 ms late; queueing p99 20.0 ms');
    expect(lines.some((l) => l.trim().startsWith('concurrency'))).toBe(false);
  });

  it('counts requests and errors', () => {
    const header = lines.findIndex((l) => l.trim().startsWith('sent'));
    expect(lines[header]?.trim().split(/\s+/)).toEqual([
      'sent',
      'finished',
      'ok',
      'errors',
      'error',
      'rate',
      'streamed',
    ]);
    expect(lines[header + 1]?.trim().split(/\s+/)).toEqual(['6', '6', '4', '2', '33.3%', '5']);
  });

  it('reports throughput and goodput against the SLO', () => {
    // 4 ok / 7 s; 400 output tokens / 7 s; TTFT <= 250 ms: 2 of 6 requests.
    expect(row(lines, 'requests')[1]).toBe('0.57 req/s (successful)');
    expect(row(lines, 'output tokens')[1]).toBe('57.14 tok/s (peak 100.0 tok/s)');
    expect(row(lines, 'goodput')[1]).toBe('0.29 req/s (33.3% of requests meet TTFT <= 250 ms)');
    // Decode rates 100, 50, 33.333, 25 tok/s: nearest-rank p50 is the 2nd smallest, reported as the upper end of
    // its HDR bucket (3 significant digits: 33.343).
    expect(row(lines, 'decode per request')[1]).toBe('p50 33.34 tok/s (1000 / TPOT)');
  });

  it('has a latency table with p50/p90/p95/p99/max/mean per metric', () => {
    expect(row(lines, 'metric')).toEqual(['metric', 'n', 'p50', 'p90', 'p95', 'p99', 'max', 'mean']);
    // TTFT 100 200 300 400: nearest-rank p50 = 200, p90 = p99 = max = 400, mean 250.
    expect(row(lines, 'TTFT')).toEqual([
      'TTFT',
      '4',
      '200 ms',
      '400 ms',
      '400 ms',
      '400 ms',
      '400 ms',
      '250 ms',
    ]);
    expect(row(lines, 'E2E')).toEqual([
      'E2E',
      '4',
      '2.00 s',
      '4.00 s',
      '4.00 s',
      '4.00 s',
      '4.00 s',
      '2.50 s',
    ]);
    expect(row(lines, 'TPOT')).toEqual([
      'TPOT',
      '4',
      '20.0 ms',
      '40.0 ms',
      '40.0 ms',
      '40.0 ms',
      '40.0 ms',
      '25.0 ms',
    ]);
    expect(row(lines, 'ITL')[1]).toBe('8');
    // NTPOT = E2E / 100 tokens.
    expect(row(lines, 'NTPOT').slice(0, 3)).toEqual(['NTPOT', '4', '20.0 ms']);
    expect(row(lines, 'queue')).toEqual([
      'queue',
      '6',
      '0.00 ms',
      '20.0 ms',
      '20.0 ms',
      '20.0 ms',
      '20.0 ms',
      '3.33 ms',
    ]);
    for (const label of ['TTFC', 'E2E+queue']) expect(row(lines, label)).toHaveLength(8);
  });

  it('lists tokens with their sources, cost, and per-model and per-test-type rows', () => {
    expect(row(lines, 'prompt')).toEqual([
      'prompt',
      '300',
      'mean 50.0/request',
      'counted from usage 6, chunks 0, none 0',
    ]);
    expect(row(lines, 'output')[3]).toBe('counted from usage 4, chunks 0, none 2');
    expect(row(lines, 'total')).toEqual(['total', '$0.0100']);
    expect(row(lines, 'per 1M output tokens')).toEqual(['per 1M output tokens', '$25.00']);
    expect(row(lines, 'requests without a price')).toEqual(['requests without a price', '2']);
    expect(row(lines, 'model')).toEqual([
      'model',
      'requests',
      'ok',
      'errors',
      'TTFT p50',
      'E2E p50',
      'output tok',
      'cost',
    ]);
    expect(row(lines, 'small-chat')).toEqual([
      'small-chat',
      '4',
      '4',
      '0',
      '200 ms',
      '2.00 s',
      '400',
      '$0.0100',
    ]);
    expect(row(lines, 'mid-chat')).toEqual(['mid-chat', '2', '0', '2', '-', '-', '0', '$0.0000']);
    expect(row(lines, 'cached')).toEqual(['cached', '2', '0', '2', '100', '0', '$0.0000']);
  });

  it('lists errors by class, most frequent first, ties by name', () => {
    expect(row(lines, 'http_5xx')).toEqual(['http_5xx', '1', '16.7%']);
    expect(text.indexOf('http_5xx')).toBeLessThan(text.indexOf('timeout_first_byte'));
  });

  it('says what the errors said: status, count and message per class', () => {
    const said = lines.slice(lines.findIndex((l) => /^ +error class +status/.test(l)));
    expect(said[1]?.trim().split(/\s{2,}/)).toEqual([
      'http_5xx',
      '503',
      '1',
      'The server is overloaded, retry later',
    ]);
    expect(said[2]?.trim().split(/\s{2,}/)).toEqual([
      'timeout_first_byte',
      '-',
      '1',
      'no response headers within 60000 ms',
    ]);
  });

  it('aligns columns: every row of a table has its cells at the same offsets', () => {
    const table = lines.slice(
      lines.findIndex((l) => l.startsWith('  metric')),
      lines.findIndex((l) => l.startsWith('  queue')) + 1,
    );
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
  });

  it('is deterministic, ASCII and free of escape codes', () => {
    expect(summaryTable(run({ ttftMs: 250 }))).toEqual(lines);
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(text).not.toMatch(/sweep|max rate/i);
  });

  it('says when no SLO is set', () => {
    expect(row(summaryTable(run(null)), 'goodput')[1]).toBe('0.57 req/s (no SLO set: every success counts)');
    expect(describeSlo({ ttftMs: 500, tpotMs: 50, e2eMs: 10_000 })).toBe(
      'TTFT <= 500 ms, TPOT <= 50.0 ms, E2E <= 10.00 s',
    );
  });

  it('adds the sweep table and the highest rate meeting the SLO', () => {
    const slo = { ttftMs: 250 };
    const good = metricsOf(RECORDS.slice(0, 2), slo).toJSON();
    const bad = metricsOf(RECORDS, slo).toJSON();
    const result = run(slo, [
      { requestedRate: 2, metrics: good },
      { requestedRate: 4, metrics: bad },
    ]);
    const out = summaryTable(result);
    expect(row(out, 'step')).toEqual([
      'step',
      'requested',
      'achieved',
      'ok',
      'errors',
      'good',
      'TTFT p50',
      'TPOT p50',
      'E2E p99',
      'SLO',
    ]);
    expect(row(out, '1')).toEqual([
      '1',
      '2.00',
      '1.00',
      '2',
      '0',
      '100.0%',
      '100 ms',
      '10.0 ms',
      '2.00 s',
      'met',
    ]);
    expect(row(out, '2').at(-1)).toBe('missed');
    expect(out.at(-1)).toBe('  max rate meeting the SLO (TTFT <= 250 ms): 2.00 req/s');
  });
});
