import type { LatencySummary } from '@llmops/core';
import type { DistributionName, Slo, TokenSourceCounts } from '../metrics/run-metrics.js';
import type { CacheReport, RunReport } from '../metrics/run-report.js';
import type { RunResult, SweepStepReport } from '../metrics/run-result.js';
import {
  formatCount,
  formatDuration,
  formatMs,
  formatPercent,
  formatRate,
  formatUSD,
} from './terminal/format-units.js';
import { textTable, type Align } from './terminal/text-table.js';

/** Rows of the latency table, in print order. */
const LATENCY_ROWS: readonly (readonly [DistributionName, string])[] = [
  ['ttft', 'TTFT'],
  ['ttfc', 'TTFC'],
  ['e2e', 'E2E'],
  ['latency', 'E2E+queue'],
  ['tpot', 'TPOT'],
  ['itl', 'ITL'],
  ['ntpot', 'NTPOT'],
  ['queue', 'queue'],
];

const LATENCY_COLUMNS = ['p50', 'p90', 'p95', 'p99', 'max', 'mean'] as const;

const right = (n: number): Align[] => ['left', ...Array<Align>(n).fill('right')];

/** "TTFT <= 500 ms, TPOT <= 50 ms", or null when no SLO is set. */
export function describeSlo(slo: Slo | null): string | null {
  if (!slo) return null;
  const parts: string[] = [];
  if (slo.ttftMs !== undefined) parts.push(`TTFT <= ${formatMs(slo.ttftMs)}`);
  if (slo.tpotMs !== undefined) parts.push(`TPOT <= ${formatMs(slo.tpotMs)}`);
  if (slo.e2eMs !== undefined) parts.push(`E2E <= ${formatMs(slo.e2eMs)}`);
  return parts.length > 0 ? parts.join(', ') : null;
}

const percentileCell = (s: LatencySummary, key: (typeof LATENCY_COLUMNS)[number]): string =>
  s.count === 0 ? '-' : formatMs(s[key]);

function runFacts(r: RunResult): string[] {
  const rep = r.report;
  const wallS = Math.max(0, r.endedAt - r.startedAt) / 1000;
  const rows: string[][] = [
    ['mode', r.mode],
    ['target', r.target],
    [
      'duration',
      `${formatDuration(wallS)} (requests span ${formatDuration(rep.durationS)}), stop: ${r.stopReason}`,
    ],
    [
      'rate',
      `requested ${r.requestedRate === null ? 'n/a (closed loop)' : `${formatRate(r.requestedRate)} req/s`}, ` +
        `achieved ${formatRate(r.achievedRate)} req/s`,
    ],
    [
      'late',
      `${formatCount(rep.schedule.late)} of ${formatCount(rep.requests.total)} requests sent more than ` +
        `${rep.schedule.lateAfterMs} ms late; queueing p99 ${percentileCell(rep.latency.queue, 'p99')}`,
    ],
  ];
  const slots = r.workers.map((w) => w.concurrency).filter((c): c is number => c !== null);
  if (slots.length > 0) rows.push(['concurrency', formatCount(slots.reduce((a, c) => a + c, 0))]);
  if (r.workers.length > 1) rows.push(['workers', String(r.workers.length)]);
  if (rep.requests.retries > 0)
    rows.push([
      'retries',
      `${formatCount(rep.requests.retries)} of the ${formatCount(rep.requests.total)} requests retried a failed one`,
    ]);
  return [`Load test ${r.testRunId}: scenario ${r.scenario}`, ...textTable(rows, ['left', 'left'])];
}

function requestsAndThroughput(rep: RunReport): string[] {
  const t = rep.throughput;
  const slo = describeSlo(rep.slo);
  const goodput = slo
    ? `${formatRate(t.goodputPerS)} req/s (${formatPercent(rep.goodput.ratio)} of requests meet ${slo})`
    : `${formatRate(t.goodputPerS)} req/s (no SLO set: every success counts)`;
  const decode = rep.latency.decodeTokensPerS;
  return [
    'Requests',
    ...textTable(
      [
        ['sent', 'finished', 'ok', 'errors', 'error rate', 'streamed'],
        [
          formatCount(rep.schedule.sent),
          formatCount(rep.requests.total),
          formatCount(rep.requests.ok),
          formatCount(rep.requests.errors),
          formatPercent(rep.errorRate),
          formatCount(rep.requests.streamed),
        ],
      ],
      Array<Align>(6).fill('right'),
    ),
    'Throughput',
    ...textTable(
      [
        ['requests', `${formatRate(t.requestsPerS)} req/s (successful)`],
        [
          'output tokens',
          `${formatRate(t.outputTokensPerS)} tok/s (peak ${formatRate(t.peakOutputTokensPerS)} tok/s)`,
        ],
        ['all tokens', `${formatRate(t.totalTokensPerS)} tok/s`],
        [
          'decode per request',
          decode.count === 0 ? '-' : `p50 ${formatRate(decode.p50)} tok/s (1000 / TPOT)`,
        ],
        ['goodput', goodput],
      ],
      ['left', 'left'],
    ),
  ];
}

function latencyTable(rep: RunReport): string[] {
  const rows: string[][] = [['metric', 'n', ...LATENCY_COLUMNS]];
  for (const [name, label] of LATENCY_ROWS) {
    const s = rep.latency[name];
    rows.push([label, formatCount(s.count), ...LATENCY_COLUMNS.map((c) => percentileCell(s, c))]);
  }
  return ['Latency', ...textTable(rows, right(LATENCY_COLUMNS.length + 1))];
}

const sources = (c: TokenSourceCounts): string =>
  `counted from usage ${formatCount(c.usage)}, chunks ${formatCount(c.chunks)}, none ${formatCount(c.none)}`;

function tokensAndCost(rep: RunReport): string[] {
  const tk = rep.tokens;
  const c = rep.cost;
  const perM = c.usdPerMillionOutputTokens === null ? '-' : formatUSD(c.usdPerMillionOutputTokens);
  return [
    'Tokens',
    ...textTable(
      [
        [
          'prompt',
          formatCount(tk.prompt),
          `mean ${tk.meanPromptPerRequest.toFixed(1)}/request`,
          sources(tk.promptSource),
        ],
        [
          'output',
          formatCount(tk.output),
          `mean ${tk.meanOutputPerRequest.toFixed(1)}/request`,
          sources(tk.outputSource),
        ],
      ],
      ['left', 'right', 'left', 'left'],
    ),
    'Cost',
    ...textTable(
      [
        ['total', formatUSD(c.usd)],
        ['per 1M output tokens', perM],
        ['requests without a price', formatCount(c.unpricedRequests)],
      ],
      ['left', 'right'],
    ),
  ];
}

function groups(rep: RunReport): string[] {
  const out: string[] = [];
  const models = Object.entries(rep.byModel);
  if (models.length > 0) {
    const rows = [['model', 'requests', 'ok', 'errors', 'TTFT p50', 'E2E p50', 'output tok', 'cost']];
    for (const [name, g] of models)
      rows.push([
        name,
        formatCount(g.requests),
        formatCount(g.ok),
        formatCount(g.errors),
        percentileCell(g.ttft, 'p50'),
        percentileCell(g.e2e, 'p50'),
        formatCount(g.outputTokens),
        formatUSD(g.costUSD),
      ]);
    out.push('By model', ...textTable(rows, right(7)));
  }
  const types = Object.entries(rep.byTestType);
  if (types.length > 0) {
    // The prefix-cache column appears when the server reported cached tokens (vLLM, OpenAI, the simulator).
    const cache = rep.cache !== null;
    const rows = [
      [
        'test type',
        'requests',
        'ok',
        'errors',
        'prompt tok',
        'output tok',
        'cost',
        ...(cache ? ['cache hits'] : []),
      ],
    ];
    for (const [name, g] of types)
      rows.push([
        name,
        formatCount(g.requests),
        formatCount(g.ok),
        formatCount(g.errors),
        formatCount(g.promptTokens),
        formatCount(g.outputTokens),
        formatUSD(g.costUSD),
        ...(cache ? [cacheCell(g.cache)] : []),
      ]);
    out.push('By test type', ...textTable(rows, right(cache ? 7 : 6)));
  }
  if (rep.cache)
    out.push(
      `  prefix cache: ${cacheCell(rep.cache)} over ${formatCount(rep.cache.reported)} requests reporting it ` +
        '(requests with cached prompt tokens; share of prompt tokens cached)',
    );
  return out;
}

function cacheCell(c: CacheReport | null): string {
  return c === null ? '-' : `${formatPercent(c.hitRatio)} (${formatPercent(c.tokenHitRatio)} of tokens)`;
}

/** Messages shown per error class; the rest are summed in one row. */
const SAMPLES_SHOWN = 3;

/**
 * Error classes, most frequent first (ties by name, so the order is stable), then what their failures said: the
 * most frequent messages of each class with their status.
 */
function errors(rep: RunReport): string[] {
  const entries = Object.entries(rep.errorsByClass).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  if (entries.length === 0) return [];
  const rows = [['error class', 'count', 'of requests']];
  for (const [name, n] of entries)
    rows.push([name, formatCount(n), formatPercent(rep.requests.total > 0 ? n / rep.requests.total : 0)]);
  const said = [['error class', 'status', 'count', 'message']];
  for (const [name] of entries) {
    const s = rep.errorSamples[name];
    if (s === undefined) continue;
    for (const x of s.samples.slice(0, SAMPLES_SHOWN))
      said.push([name, x.status > 0 ? String(x.status) : '-', formatCount(x.count), x.message || '(none)']);
    const rest = s.other + s.samples.slice(SAMPLES_SHOWN).reduce((sum, x) => sum + x.count, 0);
    if (rest > 0) said.push([name, '', formatCount(rest), 'other messages']);
  }
  const out = ['Errors', ...textTable(rows, right(2))];
  if (said.length > 1) out.push(...textTable(said, ['left', 'right', 'right', 'left']));
  return out;
}

function sweep(steps: readonly SweepStepReport[], maxRate: number | null, slo: Slo | null): string[] {
  const rows = [
    ['step', 'requested', 'achieved', 'ok', 'errors', 'good', 'TTFT p50', 'TPOT p50', 'E2E p99', 'SLO'],
  ];
  steps.forEach((s, i) => {
    const rep = s.report;
    rows.push([
      String(i + 1),
      formatRate(s.requestedRate),
      formatRate(s.achievedRate),
      formatCount(rep.requests.ok),
      formatCount(rep.requests.errors),
      formatPercent(rep.goodput.ratio),
      percentileCell(rep.latency.ttft, 'p50'),
      percentileCell(rep.latency.tpot, 'p50'),
      percentileCell(rep.latency.e2e, 'p99'),
      s.meetsSlo ? 'met' : 'missed',
    ]);
  });
  const sloText = describeSlo(slo) ?? 'success';
  const verdict =
    maxRate === null
      ? `  max rate meeting the SLO (${sloText}): none, the first step already missed it`
      : `  max rate meeting the SLO (${sloText}): ${formatRate(maxRate)} req/s`;
  return ['Sweep', ...textTable(rows, right(9)), verdict];
}

/**
 * The end-of-run summary as plain text lines (no escape codes), columns aligned with spaces. The same result
 * always gives the same lines: no clock, locale or terminal width is consulted.
 */
export function summaryTable(result: RunResult): string[] {
  const rep = result.report;
  const lines = [
    ...runFacts(result),
    ...requestsAndThroughput(rep),
    ...latencyTable(rep),
    ...tokensAndCost(rep),
    ...groups(rep),
    ...errors(rep),
  ];
  if (result.sweep !== null && result.sweep.length > 0)
    lines.push(...sweep(result.sweep, result.maxRateMeetingSlo, rep.slo));
  return lines;
}
