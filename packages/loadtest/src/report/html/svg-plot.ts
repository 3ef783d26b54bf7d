import type { Scale } from './chart-scale.js';
import { escapeHtml } from './html-escape.js';

/**
 * Drawing primitives for the report's charts: panels with axes and gridlines, and the marks drawn in them
 * (lines, areas, dots, bars, legends). All output is SVG markup with presentation attributes only — no CSS
 * needed to read a chart, and nothing for a Content-Security-Policy to block.
 */

export const CHART_WIDTH = 960;
const MARGIN_LEFT = 78;
const MARGIN_RIGHT = 78;
/** Room above a panel for its legend, and below it for tick labels and the axis label. */
export const PANEL_TOP = 34;
export const PANEL_BOTTOM = 48;
const TEXT = '#3b3b3b';
const AXIS = '#8a8a8a';
const GRID = '#e4e4e4';
const GRID_MINOR = '#f2f2f2';

export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The plot area of a panel whose top (above the legend) is at `y`. */
export function plotBox(y: number, height: number): PlotBox {
  return { left: MARGIN_LEFT, top: y + PANEL_TOP, width: CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT, height };
}

export const xRange = (b: PlotBox): readonly [number, number] => [b.left, b.left + b.width];
export const yRange = (b: PlotBox): readonly [number, number] => [b.top + b.height, b.top];

/** A coordinate with one decimal; non-finite values (never expected) collapse to 0 rather than reach the page. */
export const px = (v: number): string => (Number.isFinite(v) ? String(Math.round(v * 10) / 10 + 0) : '0');

export type Point = readonly [number, number];

export interface Axes {
  box: PlotBox;
  x: Scale;
  y: Scale;
  /** Optional second value axis on the right, with its own colour to tie it to its series. */
  y2?: Scale;
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  yColor?: string;
  y2Color?: string;
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${px(x)}" y="${px(y)}"${attrs ? ` ${attrs}` : ''}>${escapeHtml(content)}</text>`;
}

function hLine(x1: number, x2: number, y: number, stroke: string): string {
  return `<line x1="${px(x1)}" x2="${px(x2)}" y1="${px(y)}" y2="${px(y)}" stroke="${stroke}"/>`;
}

function vLine(x: number, y1: number, y2: number, stroke: string): string {
  return `<line x1="${px(x)}" x2="${px(x)}" y1="${px(y1)}" y2="${px(y2)}" stroke="${stroke}"/>`;
}

/** Gridlines, axis lines, ticks, tick labels and axis titles of one panel. */
export function drawAxes(a: Axes): string {
  const { box, x, y, y2 } = a;
  const right = box.left + box.width;
  const bottom = box.top + box.height;
  const out: string[] = ['<g class="axes">'];
  for (const v of y.minor) out.push(hLine(box.left, right, y.map(v), GRID_MINOR));
  for (const v of x.minor) out.push(vLine(x.map(v), box.top, bottom, GRID_MINOR));
  for (const v of y.ticks) out.push(hLine(box.left, right, y.map(v), GRID));
  for (const v of x.ticks) out.push(vLine(x.map(v), box.top, bottom, GRID));
  out.push(hLine(box.left, right, bottom, AXIS), vLine(box.left, box.top, bottom, AXIS));
  if (y2) out.push(vLine(right, box.top, bottom, AXIS));
  out.push(`<g fill="${TEXT}">`);
  for (const v of x.ticks) {
    out.push(vLine(x.map(v), bottom, bottom + 5, AXIS));
    out.push(text(x.map(v), bottom + 18, x.tickLabel(v), 'text-anchor="middle"'));
  }
  if (a.xLabel !== '')
    out.push(
      text(box.left + box.width / 2, bottom + 38, a.xLabel, 'text-anchor="middle" class="axis-label"'),
    );
  out.push(`<g fill="${a.yColor ?? TEXT}">`);
  for (const v of y.ticks) {
    out.push(hLine(box.left - 5, box.left, y.map(v), AXIS));
    out.push(text(box.left - 8, y.map(v), y.tickLabel(v), 'text-anchor="end" dy="0.32em"'));
  }
  out.push(rotated(box.left - 62, box.top + box.height / 2, -90, a.yLabel), '</g>');
  if (y2) {
    out.push(`<g fill="${a.y2Color ?? TEXT}">`);
    for (const v of y2.ticks) {
      out.push(hLine(right, right + 5, y2.map(v), AXIS));
      out.push(text(right + 8, y2.map(v), y2.tickLabel(v), 'dy="0.32em"'));
    }
    out.push(rotated(right + 62, box.top + box.height / 2, 90, a.y2Label ?? ''), '</g>');
  }
  out.push('</g></g>');
  return out.join('');
}

function rotated(x: number, y: number, deg: number, content: string): string {
  return text(
    x,
    y,
    content,
    `text-anchor="middle" class="axis-label" transform="rotate(${deg} ${px(x)} ${px(y)})"`,
  );
}

/** Path data through the points; `null` (a gap in the data) lifts the pen. */
export function pathData(points: readonly (Point | null)[], x: Scale, y: Scale): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!p || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${px(x.map(p[0]))} ${px(y.map(p[1]))}`;
    pen = true;
  }
  return d;
}

export interface Stroke {
  color: string;
  width?: number;
  dashed?: boolean;
}

export function line(d: string, s: Stroke): string {
  if (d === '') return '';
  const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
  return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2}" stroke-linejoin="round"${dash}/>`;
}

/** A filled band from the series down to the x axis, behind its line. */
export function area(points: readonly Point[], x: Scale, y: Scale, color: string): string {
  if (points.length < 2) return '';
  const first = points[0] as Point;
  const last = points[points.length - 1] as Point;
  const base = y.map(y.domain[0]);
  const d = `${pathData(points, x, y)}L${px(x.map(last[0]))} ${px(base)}L${px(x.map(first[0]))} ${px(base)}Z`;
  return `<path d="${d}" fill="${color}" fill-opacity="0.15" stroke="none"/>`;
}

export interface Dot {
  at: Point;
  title: string;
  /** Hollow dots mark points that failed something (e.g. a sweep step missing its SLO). */
  hollow?: boolean;
}

export function dots(list: readonly Dot[], x: Scale, y: Scale, color: string): string {
  return list
    .map((p) => {
      const fill = p.hollow ? '#ffffff' : color;
      const c = `cx="${px(x.map(p.at[0]))}" cy="${px(y.map(p.at[1]))}"`;
      return `<circle ${c} r="4.5" fill="${fill}" stroke="${color}" stroke-width="2"><title>${escapeHtml(p.title)}</title></circle>`;
    })
    .join('');
}

export interface Bar {
  x0: number;
  x1: number;
  value: number;
  title: string;
}

export function bars(list: readonly Bar[], x: Scale, y: Scale, color: string): string {
  const base = y.map(y.domain[0]);
  return list
    .filter((b) => b.value > 0)
    .map((b) => {
      const left = x.map(b.x0);
      const w = Math.max(1, x.map(b.x1) - left - (x.map(b.x1) - left > 4 ? 1 : 0));
      const top = y.map(b.value);
      const attrs = `x="${px(left)}" y="${px(top)}" width="${px(w)}" height="${px(Math.max(1, base - top))}"`;
      return `<rect ${attrs} fill="${color}"><title>${escapeHtml(b.title)}</title></rect>`;
    })
    .join('');
}

/** Invisible full-height columns that show a tooltip (native SVG `<title>`) for each time bucket. */
export function hoverColumns(list: readonly Omit<Bar, 'value'>[], x: Scale, box: PlotBox): string {
  const cols = list.map((b) => {
    const left = x.map(b.x0);
    const attrs = `x="${px(left)}" y="${px(box.top)}" width="${px(Math.max(0.5, x.map(b.x1) - left))}" height="${px(box.height)}"`;
    return `<rect ${attrs} fill="#000000" fill-opacity="0"><title>${escapeHtml(b.title)}</title></rect>`;
  });
  return `<g class="hover">${cols.join('')}</g>`;
}

/** A series' marks, grouped so that its legend entry can hide and show them. */
export function series(id: string, marks: string): string {
  return `<g data-series="${escapeHtml(id)}">${marks}</g>`;
}

export interface LegendItem {
  id: string;
  label: string;
  color: string;
  mark: 'line' | 'dashed' | 'bar' | 'band';
}

/** One row of legend entries above a panel; entries with a series id toggle it when clicked. */
export function legend(items: readonly LegendItem[], box: PlotBox): string {
  let x = box.left;
  const y = box.top - 14;
  const out: string[] = [];
  for (const it of items) {
    const swatch =
      it.mark === 'bar' || it.mark === 'band'
        ? `<rect x="${px(x)}" y="${px(y - 6)}" width="18" height="12" fill="${it.color}"${it.mark === 'band' ? ' fill-opacity="0.15"' : ''}/>`
        : `<line x1="${px(x)}" x2="${px(x + 18)}" y1="${px(y)}" y2="${px(y)}" stroke="${it.color}" stroke-width="2.5"${it.mark === 'dashed' ? ' stroke-dasharray="5 3"' : ''}/>`;
    const width = 24 + it.label.length * 7;
    // A transparent backdrop makes the whole entry clickable, not just its painted pixels.
    const hit = `<rect x="${px(x - 4)}" y="${px(y - 10)}" width="${px(width + 8)}" height="20" fill="#000000" fill-opacity="0"/>`;
    out.push(
      `<g class="legend-item" data-toggle="${escapeHtml(it.id)}">${hit}${swatch}${text(x + 24, y, it.label, `dy="0.32em" fill="${TEXT}"`)}</g>`,
    );
    x += width + 22;
  }
  return `<g class="legend">${out.join('')}</g>`;
}

/** Attributes of a label drawn over marks: a white halo keeps it readable where it crosses a line. */
const overlay = (color: string, anchor: 'start' | 'end'): string =>
  `text-anchor="${anchor}" fill="${color}" font-weight="600" stroke="#ffffff" stroke-width="3" paint-order="stroke"`;

/**
 * A vertical marker line across the plot with a label near its top (`labelOffset` px lower, to stack several);
 * an empty label draws the line alone.
 */
export function marker(
  at: number,
  x: Scale,
  box: PlotBox,
  label: string,
  color: string,
  labelOffset = 0,
): string {
  const mx = x.map(at);
  const anchor = mx > box.left + box.width * 0.7 ? 'end' : 'start';
  const tx = anchor === 'end' ? mx - 6 : mx + 6;
  const caption = label === '' ? '' : text(tx, box.top + 14 + labelOffset, label, overlay(color, anchor));
  return (
    `<g class="marker"><line x1="${px(mx)}" x2="${px(mx)}" y1="${px(box.top)}" y2="${px(box.top + box.height)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 3"/>` +
    `${caption}</g>`
  );
}

/**
 * A horizontal threshold line (e.g. an SLO), labelled in the right margin — clear of the data — with a name and
 * a value line. Only for panels without a right-hand axis.
 */
export function threshold(
  at: number,
  y: Scale,
  box: PlotBox,
  name: string,
  value: string,
  color: string,
): string {
  const my = y.map(at);
  const right = box.left + box.width;
  const attrs = `fill="${color}" font-weight="600"`;
  return (
    `<g class="threshold"><line x1="${px(box.left)}" x2="${px(right)}" y1="${px(my)}" y2="${px(my)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 3"/>` +
    `${text(right + 6, my - 3, name, attrs)}${text(right + 6, my + 11, value, attrs)}</g>`
  );
}

export function svgRoot(label: string, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${px(height)}" width="${CHART_WIDTH}" height="${px(height)}" ` +
    `role="img" aria-label="${escapeHtml(label)}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">` +
    `${body}</svg>`
  );
}

/** What a chart shows when there is nothing to draw. */
export function noDataSvg(label: string, message = 'no data'): string {
  const h = 120;
  return svgRoot(
    label,
    h,
    `<rect x="1" y="1" width="${CHART_WIDTH - 2}" height="${h - 2}" fill="#fafafa" stroke="${GRID}" stroke-dasharray="6 4"/>` +
      text(CHART_WIDTH / 2, h / 2, message, `text-anchor="middle" dy="0.32em" fill="${AXIS}" font-size="16"`),
  );
}
