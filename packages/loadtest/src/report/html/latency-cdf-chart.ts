import { CDF_PERCENTILES } from '../../metrics/run-report.js';
import type { RunReport } from '../../metrics/run-report.js';
import { linearScale, logScale } from './chart-scale.js';
import { COLORS, type ChartFigure } from './chart-figure.js';
import { formatFixed, formatMs } from './number-format.js';
import {
  drawAxes,
  dots,
  legend,
  line,
  marker,
  noDataSvg,
  pathData,
  plotBox,
  series,
  svgRoot,
  PANEL_BOTTOM,
  xRange,
  yRange,
  type Point,
} from './svg-plot.js';

const CURVES = [
  { id: 'ttft', label: 'TTFT', color: COLORS.ttft },
  { id: 'e2e', label: 'E2E', color: COLORS.e2e },
  { id: 'itl', label: 'ITL', color: COLORS.itl },
  { id: 'tpot', label: 'TPOT', color: COLORS.tpot },
] as const;

/** Percentiles that get a dot with a tooltip on each curve. */
const MARKED = [50, 99];

/** `250 ms`, `1 s`, `20 s`: tick labels of a log axis in milliseconds. */
export function msTickLabel(ms: number): string {
  if (ms >= 1000) return `${formatFixed(ms / 1000, ms % 1000 === 0 ? 0 : 1)} s`;
  const decimals = ms >= 1 ? 0 : Math.max(0, -Math.floor(Math.log10(ms) + 1e-9));
  return `${formatFixed(ms, decimals)} ms`;
}

export function latencyCdfChart(report: RunReport): ChartFigure {
  const title = 'Latency distribution (CDF).';
  const description =
    'Share of successful requests (ITL: of inter-token gaps) at or below each latency; log scale. Dots mark p50 and p99.';
  const curves = CURVES.map((c) => ({ ...c, values: report.cdf[c.id] })).filter((c) => c.values.length > 0);
  const all = curves.flatMap((c) => c.values).filter((v) => Number.isFinite(v) && v > 0);
  if (all.length === 0)
    return { name: 'latency-cdf', title, description, svg: noDataSvg('latency CDF: no data'), empty: true };
  const box = plotBox(0, 300);
  const x = logScale(Math.min(...all), Math.max(...all), xRange(box), msTickLabel);
  const y = linearScale(0, 100, yRange(box));
  const marks = curves.map((c) => {
    const points: Point[] = c.values.map((v, i) => [v, CDF_PERCENTILES[i] ?? 0]);
    const marked = MARKED.map((p) => ({ p, v: c.values[CDF_PERCENTILES.indexOf(p)] ?? 0 })).map(
      ({ p, v }) => ({
        at: [v, p] as const,
        title: `${c.label} p${p}: ${formatMs(v)}`,
      }),
    );
    return series(c.id, line(pathData(points, x, y), { color: c.color }) + dots(marked, x, y, c.color));
  });
  // SLO thresholds as dashed lines in their metric's colour, named in the legend rather than over the curves.
  const slo = report.slo;
  const slos = curves.flatMap((c) => {
    const at =
      c.id === 'ttft' ? slo?.ttftMs : c.id === 'tpot' ? slo?.tpotMs : c.id === 'e2e' ? slo?.e2eMs : undefined;
    return at === undefined
      ? []
      : [{ id: `${c.id}-slo`, label: `${c.label} SLO ${formatMs(at)}`, color: c.color, at }];
  });
  const body =
    drawAxes({ box, x, y, xLabel: 'latency (log scale)', yLabel: 'requests at or below (%)' }) +
    slos.map((s) => series(s.id, marker(s.at, x, box, '', s.color))).join('') +
    marks.join('') +
    legend(
      [
        ...curves.map((c) => ({ id: c.id, label: c.label, color: c.color, mark: 'line' as const })),
        ...slos.map((s) => ({ id: s.id, label: s.label, color: s.color, mark: 'dashed' as const })),
      ],
      box,
    );
  const height = box.top + box.height + PANEL_BOTTOM;
  return { name: 'latency-cdf', title, description, svg: svgRoot('latency CDF', height, body), empty: false };
}
