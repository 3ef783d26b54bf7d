import { formatClock, formatFixed } from './number-format.js';

/** Maps data values to pixels along one axis, with the tick marks a reader needs to read values back. */
export interface Scale {
  readonly kind: 'linear' | 'log';
  readonly domain: readonly [number, number];
  /** Pixel position of `value`; values outside the domain are clamped to its ends. */
  map(value: number): number;
  /** Ticks that carry a label. */
  readonly ticks: readonly number[];
  /** Unlabelled gridlines (the 2×…9× lines of each decade on a log scale). */
  readonly minor: readonly number[];
  tickLabel(value: number): string;
}

export type Range = readonly [number, number];

/** Drops the binary noise of repeated float steps (0.1 × 3 = 0.30000000000000004). */
const clean = (v: number): number => Number(v.toPrecision(12));

/** The 1, 2 or 5 × 10ⁿ step that cuts `span` into at most about `count` intervals. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const f = raw / magnitude;
  return clean((f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude);
}

const decimalsOf = (step: number): number => Math.max(0, -Math.floor(Math.log10(step) + 1e-9));

function multiples(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi * (1 + 1e-12) + 1e-12; i++)
    out.push(clean(i * step));
  return out;
}

function linearMap(domain: readonly [number, number], range: Range): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  return (v) => {
    const c = Math.min(Math.max(Number.isFinite(v) ? v : d0, d0), d1);
    return r0 + ((c - d0) / (d1 - d0)) * (r1 - r0);
  };
}

export interface LinearOptions {
  /** About this many intervals between ticks (default 5). */
  count?: number;
  /** Counts: no ticks between whole numbers. */
  integer?: boolean;
  tickLabel?: (value: number) => string;
}

/** A linear scale whose domain is widened to whole tick steps, so that the axis starts and ends on a label. */
export function linearScale(lo: number, hi: number, range: Range, opts: LinearOptions = {}): Scale {
  let a = Number.isFinite(lo) ? lo : 0;
  let b = Number.isFinite(hi) ? hi : a + 1;
  if (a > b) [a, b] = [b, a];
  if (b === a) b = a + (a === 0 ? 1 : Math.abs(a));
  const nice = niceStep(b - a, opts.count ?? 5);
  const step = opts.integer ? Math.max(1, nice) : nice;
  const domain = [
    clean(Math.floor(a / step + 1e-9) * step),
    clean(Math.ceil(b / step - 1e-9) * step),
  ] as const;
  const decimals = decimalsOf(step);
  return {
    kind: 'linear',
    domain,
    map: linearMap(domain, range),
    ticks: multiples(domain[0], domain[1], step),
    minor: [],
    tickLabel: opts.tickLabel ?? ((v) => formatFixed(v, decimals)),
  };
}

const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200];

/**
 * Seconds since the start, from 0 to exactly `spanS`, ticked at whole seconds, minutes or hours. Runs of three
 * minutes or more are labelled as clocks (`m:ss`); {@link timeAxisUnit} says which.
 */
export function timeScale(spanS: number, range: Range, count = 8): Scale {
  const span = Number.isFinite(spanS) && spanS > 0 ? spanS : 1;
  const step = TIME_STEPS_S.find((s) => span / s <= count) ?? niceStep(span, count);
  const domain = [0, span] as const;
  const clock = span >= 180;
  return {
    kind: 'linear',
    domain,
    map: linearMap(domain, range),
    ticks: multiples(0, span, step),
    minor: [],
    tickLabel: (v) => (clock ? formatClock(v) : formatFixed(v, 0)),
  };
}

export const timeAxisUnit = (spanS: number): string => (spanS >= 180 ? 'm:ss' : 's');

/**
 * A base-10 log scale over whole decades. Labels every decade, or 1-2-5 within decades when the domain spans
 * at most two. Values ≤ 0 map to the lower end.
 */
export function logScale(lo: number, hi: number, range: Range, tickLabel?: (v: number) => string): Scale {
  const top = Number.isFinite(hi) && hi > 0 ? hi : 1;
  const bottom = Number.isFinite(lo) && lo > 0 && lo <= top ? lo : top / 10;
  const e0 = Math.floor(Math.log10(bottom) + 1e-9);
  let e1 = Math.ceil(Math.log10(top) - 1e-9);
  if (e1 <= e0) e1 = e0 + 1;
  const domain = [clean(10 ** e0), clean(10 ** e1)] as const;
  const [r0, r1] = range;
  const map = (v: number): number => {
    const e = Number.isFinite(v) && v > 0 ? Math.log10(v) : e0;
    return r0 + ((Math.min(Math.max(e, e0), e1) - e0) / (e1 - e0)) * (r1 - r0);
  };
  const labelled = e1 - e0 <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  const minor: number[] = [];
  for (let e = e0; e <= e1; e++)
    for (let m = 1; m <= 9; m++) {
      if (e === e1 && m > 1) break;
      (labelled.includes(m) ? ticks : minor).push(clean(m * 10 ** e));
    }
  return {
    kind: 'log',
    domain,
    map,
    ticks,
    minor,
    tickLabel: tickLabel ?? ((v) => formatFixed(v, decimalsOf(v))),
  };
}
