import type { RunReport } from '../../metrics/run-report.js';
import type { TimelinePoint } from '../../metrics/timeline.js';
import { linearScale, timeAxisUnit, timeScale, type Scale } from './chart-scale.js';
import { COLORS, type ChartFigure } from './chart-figure.js';
import { formatClock, formatCount, formatMagnitude, formatMs, formatPercent } from './number-format.js';
import {
  area,
  bars,
  drawAxes,
  hoverColumns,
  legend,
  line,
  noDataSvg,
  pathData,
  plotBox,
  series,
  svgRoot,
  threshold,
  PANEL_BOTTOM,
  xRange,
  yRange,
  type PlotBox,
  type Point,
} from './svg-plot.js';

/** More buckets than this are merged for display, so a long run's charts stay small and legible. */
export const MAX_DISPLAY_BUCKETS = 600;

/** A stretch of the run's timeline as drawn: one bucket, or several merged. */
export interface DisplayBucket {
  t0: number;
  t1: number;
  sent: number;
  ok: number;
  errors: number;
  sentPerS: number;
  completedPerS: number;
  outputTokensPerS: number;
  ttftMeanMs: number | null;
}

/**
 * The timeline as drawn. Merged buckets sum counts and average rates; their TTFT mean weights each bucket's mean
 * by the requests that had a TTFT (a JSON answer has none), so it is the mean over those requests exactly.
 */
export function displayBuckets(points: readonly TimelinePoint[], bucketS: number): DisplayBucket[] {
  const k = Math.max(1, Math.ceil(points.length / MAX_DISPLAY_BUCKETS));
  const out: DisplayBucket[] = [];
  for (let i = 0; i < points.length; i += k) {
    const group = points.slice(i, i + k);
    const sum = (f: (p: TimelinePoint) => number): number => group.reduce((a, p) => a + f(p), 0);
    const timed = group.filter((p) => p.ttftMeanMs !== null && p.ttftCount > 0);
    const weight = timed.reduce((a, p) => a + p.ttftCount, 0);
    out.push({
      t0: group[0]?.t ?? 0,
      t1: (group[0]?.t ?? 0) + group.length * bucketS,
      sent: sum((p) => p.sent),
      ok: sum((p) => p.ok),
      errors: sum((p) => p.errors),
      sentPerS: sum((p) => p.sentPerS) / group.length,
      completedPerS: sum((p) => p.completedPerS) / group.length,
      outputTokensPerS: sum((p) => p.outputTokensPerS) / group.length,
      ttftMeanMs:
        weight > 0 ? timed.reduce((a, p) => a + (p.ttftMeanMs ?? 0) * p.ttftCount, 0) / weight : null,
    });
  }
  return out;
}

const mid = (b: DisplayBucket): number => (b.t0 + b.t1) / 2;
const maxOf = (values: readonly number[]): number => values.reduce((a, v) => (v > a ? v : a), 0);

function bucketTitle(b: DisplayBucket): string {
  const lines = [
    `${formatClock(b.t0)}–${formatClock(b.t1)}`,
    `sent ${formatCount(b.sent)} · ok ${formatCount(b.ok)} · errors ${formatCount(b.errors)}`,
    `TTFT mean ${b.ttftMeanMs === null ? '—' : formatMs(b.ttftMeanMs)}`,
    `output ${formatMagnitude(b.outputTokensPerS)} tok/s`,
  ];
  return lines.join('\n');
}

interface TimeFrame {
  buckets: DisplayBucket[];
  widthS: number;
  x: (box: PlotBox) => Scale;
  xLabel: string;
}

function timeFrame(report: RunReport): TimeFrame | null {
  const buckets = displayBuckets(report.timeline.points, report.timeline.bucketS);
  const last = buckets[buckets.length - 1];
  if (!last) return null;
  const span = last.t1;
  return {
    buckets,
    widthS: (buckets[0]?.t1 ?? 0) - (buckets[0]?.t0 ?? 0),
    x: (box) => timeScale(span, xRange(box)),
    xLabel: `time since the first request (${timeAxisUnit(span)})`,
  };
}

const perBucket = (f: TimeFrame): string => `${formatMagnitude(f.widthS)} s buckets`;

function hover(f: TimeFrame, x: Scale, box: PlotBox): string {
  return hoverColumns(
    f.buckets.map((b) => ({ x0: b.t0, x1: b.t1, title: bucketTitle(b) })),
    x,
    box,
  );
}

export function ttftOverTimeChart(report: RunReport): ChartFigure {
  const title = 'TTFT over time.';
  const f = timeFrame(report);
  const description = `Mean time to first token of the requests finished in each interval${f ? ` (${perBucket(f)})` : ''}.`;
  const points = f?.buckets.map((b): Point | null => (b.ttftMeanMs === null ? null : [mid(b), b.ttftMeanMs]));
  const values = (points ?? []).flatMap((p) => (p ? [p[1]] : []));
  if (!f || !points || values.length === 0) {
    // Requests succeeded, but none was streamed: there is no first token to time.
    const why = report.requests.ok > 0 ? 'no data: no streamed answers, so no TTFT' : 'no data';
    return {
      name: 'ttft-over-time',
      title,
      description,
      svg: noDataSvg('TTFT over time: no data', why),
      empty: true,
    };
  }
  const box = plotBox(0, 260);
  const top = maxOf(values);
  const slo = report.slo?.ttftMs;
  const showSlo = slo !== undefined && slo <= top * 2;
  const x = f.x(box);
  const y = linearScale(0, showSlo ? Math.max(top, slo) : top, yRange(box));
  const body =
    drawAxes({ box, x, y, xLabel: f.xLabel, yLabel: 'mean TTFT (ms)' }) +
    (showSlo ? threshold(slo, y, box, 'TTFT SLO', formatMs(slo), COLORS.slo) : '') +
    series('ttft', line(pathData(points, x, y), { color: COLORS.ttft })) +
    legend([{ id: 'ttft', label: 'mean TTFT', color: COLORS.ttft, mark: 'line' }], box) +
    hover(f, x, box);
  const svg = svgRoot('TTFT over time', box.top + box.height + PANEL_BOTTOM, body);
  return { name: 'ttft-over-time', title, description, svg, empty: false };
}

export function throughputOverTimeChart(report: RunReport): ChartFigure {
  const title = 'Throughput over time.';
  const f = timeFrame(report);
  const description = `Output tokens per second (top; tokens count when their request finishes) and requests sent and completed per second (bottom)${f ? `, ${perBucket(f)}` : ''}.`;
  if (!f)
    return {
      name: 'throughput-over-time',
      title,
      description,
      svg: noDataSvg('throughput over time: no data'),
      empty: true,
    };
  const top = plotBox(0, 200);
  const bottom = plotBox(top.top + top.height + PANEL_BOTTOM, 200);
  const xTop = f.x(top);
  const xBottom = f.x(bottom);
  const tokens: Point[] = f.buckets.map((b) => [mid(b), b.outputTokensPerS]);
  const sent: Point[] = f.buckets.map((b) => [mid(b), b.sentPerS]);
  const done: Point[] = f.buckets.map((b) => [mid(b), b.completedPerS]);
  const yTokens = linearScale(0, maxOf(tokens.map((p) => p[1])), yRange(top));
  const yReq = linearScale(0, maxOf([...sent, ...done].map((p) => p[1])), yRange(bottom));
  const body =
    drawAxes({ box: top, x: xTop, y: yTokens, xLabel: '', yLabel: 'output tokens/s' }) +
    series(
      'tokens',
      area(tokens, xTop, yTokens, COLORS.tokens) +
        line(pathData(tokens, xTop, yTokens), { color: COLORS.tokens }),
    ) +
    legend([{ id: 'tokens', label: 'output tokens/s', color: COLORS.tokens, mark: 'line' }], top) +
    hover(f, xTop, top) +
    drawAxes({ box: bottom, x: xBottom, y: yReq, xLabel: f.xLabel, yLabel: 'requests/s' }) +
    series('sent', line(pathData(sent, xBottom, yReq), { color: COLORS.sent, dashed: true })) +
    series('completed', line(pathData(done, xBottom, yReq), { color: COLORS.completed })) +
    legend(
      [
        { id: 'sent', label: 'sent/s', color: COLORS.sent, mark: 'dashed' },
        { id: 'completed', label: 'completed/s', color: COLORS.completed, mark: 'line' },
      ],
      bottom,
    ) +
    hover(f, xBottom, bottom);
  const svg = svgRoot('throughput over time', bottom.top + bottom.height + PANEL_BOTTOM, body);
  return { name: 'throughput-over-time', title, description, svg, empty: false };
}

export function errorsOverTimeChart(report: RunReport): ChartFigure {
  const title = 'Errors over time.';
  const f = timeFrame(report);
  const description = `Failed requests per interval by the time they failed (bars) and the share of finished requests that failed (line)${f ? `, ${perBucket(f)}` : ''}.`;
  if (!f)
    return {
      name: 'errors-over-time',
      title,
      description,
      svg: noDataSvg('errors over time: no data'),
      empty: true,
    };
  if (report.requests.errors === 0)
    return {
      name: 'errors-over-time',
      title,
      description,
      svg: noDataSvg('errors over time: no errors', 'no errors'),
      empty: true,
    };
  const box = plotBox(0, 240);
  const x = f.x(box);
  const y = linearScale(0, maxOf(f.buckets.map((b) => b.errors)), yRange(box), { integer: true });
  const rate = f.buckets.map((b): Point | null =>
    b.ok + b.errors === 0 ? null : [mid(b), (100 * b.errors) / (b.ok + b.errors)],
  );
  const y2 = linearScale(0, maxOf(rate.flatMap((p) => (p ? [p[1]] : []))), yRange(box));
  const bucketBars = f.buckets.map((b) => ({
    x0: b.t0,
    x1: b.t1,
    value: b.errors,
    title: `${formatClock(b.t0)}–${formatClock(b.t1)}: ${formatCount(b.errors)} errors (${formatPercent(b.errors / Math.max(1, b.ok + b.errors))})`,
  }));
  const body =
    drawAxes({
      box,
      x,
      y,
      y2,
      xLabel: f.xLabel,
      yLabel: `errors per ${formatMagnitude(f.widthS)} s`,
      y2Label: 'error rate (%)',
      yColor: COLORS.errors,
      y2Color: '#9a6400',
    }) +
    series('errors', bars(bucketBars, x, y, COLORS.errors)) +
    series('error-rate', line(pathData(rate, x, y2), { color: COLORS.errorRate, width: 1.5 })) +
    legend(
      [
        { id: 'errors', label: 'errors', color: COLORS.errors, mark: 'bar' },
        { id: 'error-rate', label: 'error rate (%)', color: COLORS.errorRate, mark: 'line' },
      ],
      box,
    );
  const svg = svgRoot('errors over time', box.top + box.height + PANEL_BOTTOM, body);
  return { name: 'errors-over-time', title, description, svg, empty: false };
}
