import type { Slo, TokenSourceCounts } from '../../metrics/run-metrics.js';
import type { RunResult } from '../../metrics/run-result.js';
import { escapeHtml, withoutUserinfo } from './html-escape.js';
import {
  formatCount,
  formatDuration,
  formatInstant,
  formatMs,
  formatPercent,
  formatRate,
  formatUsd,
  MISSING,
} from './number-format.js';

/** The facts of the run: what ran, against what, when, and how it ended. */
export function runHeader(result: RunResult): string {
  const r = result.report;
  const users = result.workers.reduce((a, w) => a + w.users, 0);
  const requested =
    result.requestedRate === null
      ? `closed loop (${formatCount(users)} users)`
      : formatRate(result.requestedRate, 'req/s');
  const ratio =
    result.requestedRate !== null && result.requestedRate > 0
      ? ` (${formatPercent(result.achievedRate / result.requestedRate)} of requested)`
      : '';
  const facts: [string, string][] = [
    ['Scenario', result.scenario],
    ['Test run', result.testRunId],
    ['Mode', result.mode],
    ['Target', withoutUserinfo(result.target)],
    ['Started', formatInstant(result.startedAt)],
    ['Ended', formatInstant(result.endedAt)],
    ['Duration', formatDuration((result.endedAt - result.startedAt) / 1000)],
    ['Measured', `${formatDuration(r.durationS)} (first request sent → last one finished)`],
    ['Stop reason', result.stopReason],
    [
      'Workers',
      formatCount(result.workers.length) + (users > 0 ? ` (${formatCount(users)} users in all)` : ''),
    ],
    ['Requested rate', requested],
    ['Achieved rate', `${formatRate(result.achievedRate, 'req/s')} sent${ratio}`],
  ];
  const items = facts.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`);
  return `<dl class="facts">${items.join('')}</dl>`;
}

function card(name: string, label: string, value: string, notes: readonly string[]): string {
  const lines = notes.map((n) => `<div class="note">${escapeHtml(n)}</div>`).join('');
  return `<div class="card" data-figure="${name}"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div>${lines}</div>`;
}

/** `TTFT ≤ 500 ms · TPOT ≤ 50 ms`, or null without thresholds. */
export function sloText(slo: Slo | null): string | null {
  if (!slo) return null;
  const parts = [
    slo.ttftMs === undefined ? null : `TTFT ≤ ${formatMs(slo.ttftMs)}`,
    slo.tpotMs === undefined ? null : `TPOT ≤ ${formatMs(slo.tpotMs)}`,
    slo.e2eMs === undefined ? null : `E2E ≤ ${formatMs(slo.e2eMs)}`,
  ].filter((p): p is string => p !== null);
  return parts.length === 0 ? null : parts.join(' · ');
}

const sources = (s: TokenSourceCounts): string =>
  `counted from, by request: usage ${formatCount(s.usage)} · chunks ${formatCount(s.chunks)} · none ${formatCount(s.none)}`;

/** The headline numbers as cards, most asked-about first. */
export function keyFigures(result: RunResult): string {
  const r = result.report;
  const l = r.latency;
  const slo = sloText(r.slo);
  const p = (v: number, count: number): string => (count === 0 ? MISSING : formatMs(v));
  const cards = [
    card('requests', 'Requests OK', formatCount(r.requests.ok), [
      `${formatCount(r.requests.errors)} errors (${formatPercent(r.errorRate)})`,
      `${formatCount(r.requests.total)} finished of ${formatCount(r.schedule.sent)} sent`,
      ...(r.requests.retries > 0
        ? [`${formatCount(r.requests.retries)} of them retries of a failed request`]
        : []),
    ]),
    card('request-throughput', 'Request throughput', formatRate(r.throughput.requestsPerS, 'req/s'), [
      'successful requests per second',
      `${formatRate(r.throughput.totalTokensPerS, 'tok/s')} prompt + output`,
    ]),
    card('output-tokens', 'Output tokens/s', formatRate(r.throughput.outputTokensPerS, 'tok/s'), [
      `peak ${formatRate(r.throughput.peakOutputTokensPerS, 'tok/s')}`,
      `${formatCount(Math.round(r.tokens.meanOutputPerRequest))} tokens per request on average`,
    ]),
    card('goodput', 'Goodput', formatRate(r.throughput.goodputPerS, 'req/s'), [
      `${formatPercent(r.goodput.ratio)} of requests meet the SLO`,
      slo === null ? 'no SLO set: every successful request counts' : `SLO: ${slo}`,
    ]),
    card('ttft', 'TTFT p50', p(l.ttft.p50, l.ttft.count), [
      `p95 ${p(l.ttft.p95, l.ttft.count)}`,
      `p99 ${p(l.ttft.p99, l.ttft.count)}`,
    ]),
    card('tpot', 'TPOT p50', p(l.tpot.p50, l.tpot.count), [`p99 ${p(l.tpot.p99, l.tpot.count)}`]),
    card('itl', 'ITL p50', p(l.itl.p50, l.itl.count), [`p99 ${p(l.itl.p99, l.itl.count)}`]),
    card('e2e', 'E2E p50', p(l.e2e.p50, l.e2e.count), [`p99 ${p(l.e2e.p99, l.e2e.count)}`]),
    card('queue', 'Queueing p99', p(l.queue.p99, l.queue.count), [
      `${formatCount(r.schedule.late)} late requests (${formatPercent(r.requests.total === 0 ? 0 : r.schedule.late / r.requests.total)})`,
      `sent over ${formatMs(r.schedule.lateAfterMs)} after their scheduled time`,
    ]),
    card('cost', 'Cost', formatUsd(r.cost.usd), [
      r.cost.usdPerMillionOutputTokens === null
        ? 'no output tokens'
        : `${formatUsd(r.cost.usdPerMillionOutputTokens)} per million output tokens`,
      `${formatCount(r.cost.unpricedRequests)} requests without a price`,
    ]),
    card('output-token-count', 'Output tokens', formatCount(r.tokens.output), [
      sources(r.tokens.outputSource),
    ]),
    card('prompt-token-count', 'Prompt tokens', formatCount(r.tokens.prompt), [
      sources(r.tokens.promptSource),
    ]),
    ...(r.cache === null
      ? []
      : [
          card('prefix-cache', 'Prefix cache hits', formatPercent(r.cache.hitRatio), [
            `of ${formatCount(r.cache.reported)} requests reporting cached tokens`,
            `${formatPercent(r.cache.tokenHitRatio)} of their prompt tokens cached`,
            ...Object.entries(r.byTestType)
              .filter(([, g]) => g.cache !== null)
              .map(([name, g]) => `${name}: ${formatPercent(g.cache?.hitRatio ?? 0)}`),
          ]),
        ]),
  ];
  return `<div class="cards">${cards.join('')}</div>`;
}
