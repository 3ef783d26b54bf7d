import { SWEEP_GOODPUT_RATIO, type RunResult, type SweepStepReport } from '../../metrics/run-result.js';
import { linearScale, logScale, type Scale } from './chart-scale.js';
import { COLORS, type ChartFigure } from './chart-figure.js';
import { msTickLabel } from './latency-cdf-chart.js';
import { formatMagnitude, formatMs, formatPercent, formatRate } from './number-format.js';
import {
  dots,
  drawAxes,
  legend,
  line,
  marker,
  noDataSvg,
  pathData,
  plotBox,
  px,
  series,
  svgRoot,
  threshold,
  PANEL_BOTTOM,
  xRange,
  yRange,
  type PlotBox,
  type Point,
} from './svg-plot.js';

const X_LABEL = 'requested rate (req/s)';

function stepTitle(s: SweepStepReport): string {
  const r = s.report;
  return [
    `requested ${formatRate(s.requestedRate, 'req/s')} → achieved ${formatRate(s.achievedRate, 'req/s')}`,
    `goodput ${formatRate(r.throughput.goodputPerS, 'req/s')} (${formatPercent(r.goodput.ratio)} of requests)`,
    `TTFT p50 ${formatMs(r.latency.ttft.p50)} · p99 ${formatMs(r.latency.ttft.p99)}`,
    s.meetsSlo ? 'meets the SLO' : 'misses the SLO',
  ].join('\n');
}

/** Light red band over the rates from the first step that missed the SLO on, labelled. */
function notMetBand(steps: readonly SweepStepReport[], x: Scale, box: PlotBox): string {
  const firstMiss = steps.find((s) => !s.meetsSlo);
  if (!firstMiss) return '';
  const left = x.map(firstMiss.requestedRate);
  const right = box.left + box.width;
  return (
    `<rect x="${px(left)}" y="${px(box.top)}" width="${px(Math.max(0, right - left))}" height="${px(box.height)}" fill="${COLORS.notMet}" fill-opacity="0.07"/>` +
    `<text x="${px(right - 6)}" y="${px(box.top + 14)}" text-anchor="end" fill="${COLORS.notMet}" stroke="#ffffff" stroke-width="3" paint-order="stroke">SLO not met</text>`
  );
}

function maxRateMarker(result: RunResult, x: Scale, box: PlotBox, labelled: boolean): string {
  const m = result.maxRateMeetingSlo;
  if (m === null) return '';
  return marker(m, x, box, labelled ? `max rate meeting SLO: ${formatRate(m, 'req/s')}` : '', COLORS.slo);
}

function ratePanel(result: RunResult, steps: readonly SweepStepReport[], box: PlotBox, x: Scale): string {
  const achieved: Point[] = steps.map((s) => [s.requestedRate, s.achievedRate]);
  const goodput: Point[] = steps.map((s) => [s.requestedRate, s.report.throughput.goodputPerS]);
  const top = Math.max(x.domain[1], ...achieved.map((p) => p[1]), ...goodput.map((p) => p[1]));
  const y = linearScale(0, top, yRange(box));
  const ideal: Point[] = [
    [0, 0],
    [x.domain[1], x.domain[1]],
  ];
  const stepDots = (pts: readonly Point[]) =>
    steps.map((s, i) => ({ at: pts[i] ?? ([0, 0] as const), title: stepTitle(s), hollow: !s.meetsSlo }));
  return (
    drawAxes({ box, x, y, xLabel: X_LABEL, yLabel: 'requests/s' }) +
    notMetBand(steps, x, box) +
    series('ideal', line(pathData(ideal, x, y), { color: COLORS.sent, width: 1.5, dashed: true })) +
    series(
      'achieved',
      line(pathData(achieved, x, y), { color: COLORS.achieved }) +
        dots(stepDots(achieved), x, y, COLORS.achieved),
    ) +
    series(
      'goodput',
      line(pathData(goodput, x, y), { color: COLORS.goodput }) +
        dots(stepDots(goodput), x, y, COLORS.goodput),
    ) +
    maxRateMarker(result, x, box, true) +
    legend(
      [
        { id: 'achieved', label: 'achieved req/s', color: COLORS.achieved, mark: 'line' },
        { id: 'goodput', label: 'goodput req/s', color: COLORS.goodput, mark: 'line' },
        { id: 'ideal', label: 'achieved = requested', color: COLORS.sent, mark: 'dashed' },
      ],
      box,
    )
  );
}

/** TTFT per step; E2E when no step measured a TTFT (answers that were not streamed). */
function latencyPanel(result: RunResult, steps: readonly SweepStepReport[], box: PlotBox, x: Scale): string {
  const metric = steps.some((s) => s.report.latency.ttft.count > 0) ? 'ttft' : 'e2e';
  const name = metric === 'ttft' ? 'TTFT' : 'E2E';
  const p50: Point[] = steps.map((s) => [s.requestedRate, s.report.latency[metric].p50]);
  const p99: Point[] = steps.map((s) => [s.requestedRate, s.report.latency[metric].p99]);
  const slo = metric === 'ttft' ? result.report.slo?.ttftMs : result.report.slo?.e2eMs;
  const values = [...p50, ...p99].map((p) => p[1]).filter((v) => v > 0);
  if (slo !== undefined) values.push(slo);
  const y = logScale(Math.min(...values), Math.max(...values), yRange(box), msTickLabel);
  const stepDots = (pts: readonly Point[]) =>
    steps.flatMap((s, i) => {
      const at = pts[i];
      return at && at[1] > 0 ? [{ at, title: stepTitle(s), hollow: !s.meetsSlo }] : [];
    });
  const present = (pts: readonly Point[]) => pts.map((p) => (p[1] > 0 ? p : null));
  const curve = (id: string, pts: readonly Point[], color: string): string =>
    series(id, line(pathData(present(pts), x, y), { color }) + dots(stepDots(pts), x, y, color));
  return (
    drawAxes({ box, x, y, xLabel: X_LABEL, yLabel: `${name} (log scale)` }) +
    notMetBand(steps, x, box) +
    (slo === undefined ? '' : threshold(slo, y, box, `${name} SLO`, formatMs(slo), COLORS.slo)) +
    curve(`${metric}-p50`, p50, COLORS.ttft) +
    curve(`${metric}-p99`, p99, COLORS.p99) +
    maxRateMarker(result, x, box, false) +
    legend(
      [
        { id: `${metric}-p50`, label: `${name} p50`, color: COLORS.ttft, mark: 'line' },
        { id: `${metric}-p99`, label: `${name} p99`, color: COLORS.p99, mark: 'line' },
      ],
      box,
    )
  );
}

/** Achieved rate and goodput against the requested rate (top), latency percentiles per step (bottom). */
export function sweepChart(result: RunResult): ChartFigure {
  const title = 'Rate sweep.';
  const steps = result.sweep ?? [];
  const description = `Each step's achieved rate and goodput (requests meeting the SLO) per second (top) and its TTFT p50/p99 (bottom); hollow dots are steps that missed the SLO (goodput below ${formatPercent(SWEEP_GOODPUT_RATIO)} of requests)${result.maxRateMeetingSlo === null ? '' : `; the highest rate meeting it was ${formatMagnitude(result.maxRateMeetingSlo)} req/s`}.`;
  if (steps.every((s) => s.report.requests.total === 0))
    return { name: 'sweep-curve', title, description, svg: noDataSvg('rate sweep: no data'), empty: true };
  const top = plotBox(0, 220);
  const bottom = plotBox(top.top + top.height + PANEL_BOTTOM, 200);
  const maxRate = Math.max(...steps.map((s) => s.requestedRate));
  const x = (box: PlotBox) => linearScale(0, maxRate, xRange(box), { count: 8 });
  const body = ratePanel(result, steps, top, x(top)) + latencyPanel(result, steps, bottom, x(bottom));
  const svg = svgRoot('rate sweep', bottom.top + bottom.height + PANEL_BOTTOM, body);
  return { name: 'sweep-curve', title, description, svg, empty: false };
}
