import type { LatencySummary } from '@llmops/core';
import { DISTRIBUTIONS, type DistributionName } from '../../metrics/run-metrics.js';
import type { GroupReport, RunReport } from '../../metrics/run-report.js';
import type { RunResult, SweepStepReport, WorkerMeta } from '../../metrics/run-result.js';
import { htmlTable, type Column } from './html-table.js';
import {
  formatCount,
  formatInstant,
  formatMagnitude,
  formatPercent,
  formatUsd,
  MISSING,
} from './number-format.js';

/** How the report names each distribution; typed over all of them so a new one cannot go unlabelled. */
export const DISTRIBUTION_LABELS: Readonly<
  Record<DistributionName, { label: string; unit: string; what: string }>
> = {
  ttft: { label: 'TTFT', unit: 'ms', what: 'send → first token' },
  ttfc: { label: 'TTFC', unit: 'ms', what: 'send → first visible content' },
  e2e: { label: 'E2E', unit: 'ms', what: 'send → last token' },
  latency: { label: 'Latency', unit: 'ms', what: 'queueing + E2E' },
  tpot: { label: 'TPOT', unit: 'ms', what: 'time per output token after the first' },
  itl: { label: 'ITL', unit: 'ms', what: 'gap between token-bearing chunks' },
  ntpot: { label: 'NTPOT', unit: 'ms', what: 'E2E ÷ output tokens' },
  queue: { label: 'Queueing', unit: 'ms', what: 'scheduled → written to a connection, all requests' },
  decodeTokensPerS: { label: 'Decode speed', unit: 'tok/s', what: '1000 ÷ TPOT, per request' },
};

export function latencyTable(report: RunReport): string {
  const summary = (d: DistributionName): LatencySummary => report.latency[d];
  const num = (f: (s: LatencySummary) => number) => (d: DistributionName) =>
    summary(d).count === 0 ? MISSING : formatMagnitude(f(summary(d)));
  const stats: [string, (s: LatencySummary) => number][] = [
    ['mean', (s) => s.mean],
    ['p50', (s) => s.p50],
    ['p90', (s) => s.p90],
    ['p95', (s) => s.p95],
    ['p99', (s) => s.p99],
    ['p99.9', (s) => s.p999],
    ['max', (s) => s.max],
  ];
  return htmlTable<DistributionName>({
    name: 'latency',
    rows: DISTRIBUTIONS,
    columns: [
      { head: 'metric', cell: (d) => `${DISTRIBUTION_LABELS[d].label} (${DISTRIBUTION_LABELS[d].unit})` },
      { head: 'definition', cell: (d) => DISTRIBUTION_LABELS[d].what },
      { head: 'count', numeric: true, cell: (d) => formatCount(summary(d).count) },
      ...stats.map(([head, f]) => ({ head, numeric: true, cell: num(f) })),
    ],
  });
}

const errors = (g: GroupReport): string =>
  g.requests === 0
    ? formatCount(g.errors)
    : `${formatCount(g.errors)} (${formatPercent(g.errors / g.requests)})`;

function groupColumns<R extends { g: GroupReport }>(): Column<R>[] {
  return [
    { head: 'requests', numeric: true, cell: (r) => formatCount(r.g.requests) },
    { head: 'errors', numeric: true, cell: (r) => errors(r.g) },
    { head: 'prompt tokens', numeric: true, cell: (r) => formatCount(r.g.promptTokens) },
    { head: 'output tokens', numeric: true, cell: (r) => formatCount(r.g.outputTokens) },
    { head: 'cost', numeric: true, cell: (r) => formatUsd(r.g.costUSD) },
  ];
}

const ms = (s: LatencySummary, v: number): string => (s.count === 0 ? MISSING : formatMagnitude(v));

export function modelTable(report: RunReport): string {
  type Row = { name: string; g: RunReport['byModel'][string] };
  return htmlTable<Row>({
    name: 'by-model',
    rows: Object.entries(report.byModel).map(([name, g]) => ({ name, g })),
    columns: [
      { head: 'model', cell: (r) => r.name },
      ...groupColumns<Row>(),
      { head: 'TTFT p50', unit: 'ms', numeric: true, cell: (r) => ms(r.g.ttft, r.g.ttft.p50) },
      { head: 'TTFT p99', unit: 'ms', numeric: true, cell: (r) => ms(r.g.ttft, r.g.ttft.p99) },
      { head: 'E2E p50', unit: 'ms', numeric: true, cell: (r) => ms(r.g.e2e, r.g.e2e.p50) },
      { head: 'E2E p99', unit: 'ms', numeric: true, cell: (r) => ms(r.g.e2e, r.g.e2e.p99) },
    ],
  });
}

export function testTypeTable(report: RunReport): string {
  type Row = { name: string; g: GroupReport };
  return htmlTable<Row>({
    name: 'by-test-type',
    rows: Object.entries(report.byTestType).map(([name, g]) => ({ name, g })),
    columns: [{ head: 'test type', cell: (r) => r.name }, ...groupColumns<Row>()],
  });
}

export function errorTable(report: RunReport): string {
  const total = report.requests.errors;
  return htmlTable<[string, number]>({
    name: 'errors',
    rows: Object.entries(report.errorsByClass).sort(([, a], [, b]) => b - a),
    empty: 'no errors',
    columns: [
      { head: 'error class', cell: ([c]) => c },
      { head: 'count', numeric: true, cell: ([, n]) => formatCount(n) },
      { head: 'share of errors', numeric: true, cell: ([, n]) => formatPercent(total === 0 ? 0 : n / total) },
      {
        head: 'share of requests',
        numeric: true,
        cell: ([, n]) => formatPercent(report.requests.total === 0 ? 0 : n / report.requests.total),
      },
    ],
  });
}

/** What the failures said: each class's distinct (status, message) pairs, most frequent first. */
export function errorMessageTable(report: RunReport): string {
  type Row = { cls: string; status: number; count: number; message: string };
  const rows: Row[] = [];
  const classes = Object.entries(report.errorsByClass).sort(([, a], [, b]) => b - a);
  for (const [cls] of classes) {
    const s = report.errorSamples[cls];
    if (s === undefined) continue;
    for (const x of s.samples) rows.push({ cls, ...x });
    if (s.other > 0) rows.push({ cls, status: 0, count: s.other, message: 'other messages' });
  }
  return htmlTable<Row>({
    name: 'error-messages',
    rows,
    empty: 'no errors',
    columns: [
      { head: 'error class', cell: (r) => r.cls },
      { head: 'status', numeric: true, cell: (r) => (r.status > 0 ? String(r.status) : '-') },
      { head: 'count', numeric: true, cell: (r) => formatCount(r.count) },
      { head: 'message', cell: (r) => r.message || '(none)' },
    ],
  });
}

export function sweepTable(result: RunResult): string {
  type Row = SweepStepReport & { index: number };
  const lat = (s: Row, f: (r: RunReport) => LatencySummary, v: (l: LatencySummary) => number): string =>
    ms(f(s.report), v(f(s.report)));
  return htmlTable<Row>({
    name: 'sweep',
    rows: (result.sweep ?? []).map((s, index) => ({ ...s, index })),
    rowClass: (s) =>
      s.requestedRate === result.maxRateMeetingSlo ? 'max-rate' : s.meetsSlo ? null : 'missed',
    columns: [
      { head: 'step', numeric: true, cell: (s) => String(s.index + 1) },
      { head: 'requested', unit: 'req/s', numeric: true, cell: (s) => formatMagnitude(s.requestedRate) },
      { head: 'achieved', unit: 'req/s', numeric: true, cell: (s) => formatMagnitude(s.achievedRate) },
      { head: 'requests', numeric: true, cell: (s) => formatCount(s.report.requests.total) },
      { head: 'error rate', numeric: true, cell: (s) => formatPercent(s.report.errorRate) },
      {
        head: 'goodput',
        unit: 'req/s',
        numeric: true,
        cell: (s) => formatMagnitude(s.report.throughput.goodputPerS),
      },
      { head: 'good share', numeric: true, cell: (s) => formatPercent(s.report.goodput.ratio) },
      {
        head: 'TTFT p50',
        unit: 'ms',
        numeric: true,
        cell: (s) =>
          lat(
            s,
            (r) => r.latency.ttft,
            (l) => l.p50,
          ),
      },
      {
        head: 'TTFT p99',
        unit: 'ms',
        numeric: true,
        cell: (s) =>
          lat(
            s,
            (r) => r.latency.ttft,
            (l) => l.p99,
          ),
      },
      {
        head: 'TPOT p50',
        unit: 'ms',
        numeric: true,
        cell: (s) =>
          lat(
            s,
            (r) => r.latency.tpot,
            (l) => l.p50,
          ),
      },
      {
        head: 'E2E p99',
        unit: 'ms',
        numeric: true,
        cell: (s) =>
          lat(
            s,
            (r) => r.latency.e2e,
            (l) => l.p99,
          ),
      },
      {
        head: 'output',
        unit: 'tok/s',
        numeric: true,
        cell: (s) => formatMagnitude(s.report.throughput.outputTokensPerS),
      },
      { head: 'SLO', cell: (s) => (s.meetsSlo ? '✓ met' : '✗ missed') },
    ],
  });
}

export function workerTable(result: RunResult): string {
  return htmlTable<WorkerMeta>({
    name: 'workers',
    rows: result.workers,
    columns: [
      { head: 'worker', cell: (w) => w.workerId },
      { head: 'shard', numeric: true, cell: (w) => `${w.shard.index + 1} of ${w.shard.count}` },
      { head: 'users', numeric: true, cell: (w) => formatCount(w.users) },
      {
        head: 'concurrency',
        numeric: true,
        cell: (w) => (w.concurrency === null ? MISSING : formatCount(w.concurrency)),
      },
      {
        head: 'requested',
        unit: 'req/s',
        numeric: true,
        cell: (w) => (w.requestedRate === null ? MISSING : formatMagnitude(w.requestedRate)),
      },
      { head: 'started', cell: (w) => formatInstant(w.startedAt) },
      { head: 'ended', cell: (w) => formatInstant(w.endedAt) },
      { head: 'stop reason', cell: (w) => w.stopReason },
    ],
  });
}
