import { escapeHtml } from './html-escape.js';

/** The charts of the report, by their `data-chart` name. */
export const CHART_NAMES = [
  'latency-cdf',
  'ttft-over-time',
  'throughput-over-time',
  'errors-over-time',
  'sweep-curve',
] as const;
export type ChartName = (typeof CHART_NAMES)[number];

/** Series colours, distinguishable for the common colour-vision deficiencies (Okabe–Ito based). */
export const COLORS = {
  ttft: '#0072b2',
  e2e: '#d55e00',
  itl: '#009e73',
  tpot: '#cc79a7',
  tokens: '#0072b2',
  sent: '#7a7a7a',
  completed: '#009e73',
  errors: '#c0392b',
  errorRate: '#e69f00',
  achieved: '#0072b2',
  goodput: '#009e73',
  p99: '#d55e00',
  slo: '#6a3d9a',
  notMet: '#c0392b',
} as const;

export interface ChartFigure {
  name: ChartName;
  title: string;
  /** One or two sentences on how to read the chart. */
  description: string;
  svg: string;
  /** True when there was nothing to draw and the svg only says so. */
  empty: boolean;
}

export function figureHtml(f: ChartFigure): string {
  return (
    `<figure data-chart="${f.name}"${f.empty ? ' data-empty="true"' : ''}>` +
    `<figcaption><strong>${escapeHtml(f.title)}</strong> ${escapeHtml(f.description)}</figcaption>` +
    `${f.svg}</figure>`
  );
}
