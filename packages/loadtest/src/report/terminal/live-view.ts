import type { LiveStatus } from '../reporter.js';
import { fitWidth, paint } from './ansi.js';
import {
  formatCount,
  formatDuration,
  formatMs,
  formatPercent,
  formatRate,
  formatUSD,
} from './format-units.js';

/** How many error classes the live view names (the rest are summed up as "+N more"). */
const TOP_ERRORS = 3;

/** "1m05s / 2m30s, 1m25s left", or an estimate from the request budget, or just the elapsed time. */
function timing(st: LiveStatus): string {
  const elapsed = formatDuration(st.elapsedS);
  if (st.plannedS !== null)
    return `${elapsed} / ${formatDuration(st.plannedS)}, ${formatDuration(Math.max(0, st.plannedS - st.elapsedS))} left`;
  if (st.progress !== null && st.progress > 0 && st.progress < 1)
    return `${elapsed}, ~${formatDuration((st.elapsedS * (1 - st.progress)) / st.progress)} left`;
  return `${elapsed} elapsed`;
}

function bar(progress: number, width: number): string {
  const p = Math.min(1, Math.max(0, progress));
  const filled = Math.round(p * width);
  const head = filled < width && filled > 0 ? '>' : '';
  return `[${'='.repeat(Math.max(0, filled - head.length))}${head}${' '.repeat(width - filled)}]`;
}

function rate(st: LiveStatus): string {
  const wanted = st.requestedRate === null ? '' : ` of ${formatRate(st.requestedRate)}`;
  return `${formatRate(st.currentRate)}${wanted} req/s`;
}

function errorShare(st: LiveStatus): string {
  const finished = st.ok + st.errors;
  return finished === 0 ? '' : ` (${formatPercent(st.errors / finished)})`;
}

/** The most frequent error classes (ties by name), as "http_5xx 3, timeout_first_byte 2, +1 more"; null if none. */
export function topErrors(byClass: Readonly<Record<string, number>>, sep = ' '): string | null {
  const entries = Object.entries(byClass)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  if (entries.length === 0) return null;
  const named = entries.slice(0, TOP_ERRORS).map(([c, n]) => `${c}${sep}${formatCount(n)}`);
  const more = entries.length - TOP_ERRORS;
  return more > 0 ? `${named.join(', ')}, +${more} more` : named.join(', ');
}

/**
 * "TTFT p50 … p95 …" of the streamed answers of the last seconds, "E2E p50 … p95 …" of the JSON ones (which have
 * no first token), both in a mixed run; "TTFT -" before any answer.
 */
function ttftText(st: LiveStatus): string {
  const parts: string[] = [];
  if (st.ttftP50 !== null) parts.push(`TTFT p50 ${formatMs(st.ttftP50)} p95 ${formatMs(st.ttftP95 ?? NaN)}`);
  if (st.latencyP50 !== null)
    parts.push(`E2E p50 ${formatMs(st.latencyP50)} p95 ${formatMs(st.latencyP95 ?? NaN)}`);
  return parts.length > 0 ? parts.join('  ') : 'TTFT -';
}

/**
 * The live view's lines for a TTY `width` columns wide, each cut to fit so nothing wraps. Narrow terminals get a
 * shorter bar; below ~30 columns lines are simply cut.
 */
export function liveView(st: LiveStatus, width: number, color: boolean): string[] {
  const usable = Math.max(10, width - 1);
  const phase = paint(st.phase, st.phase === 'error' ? 'red' : 'cyan', color);
  const head: string[] = [];
  if (st.progress !== null) {
    const barWidth = Math.min(40, Math.max(10, usable - 50));
    head.push(`${bar(st.progress, barWidth)} ${formatPercent(st.progress).padStart(6)}`);
  }
  head.push(timing(st), phase);
  if (st.label !== null) head.push(paint(st.label, 'bold', color));
  const errors = st.errors > 0 ? paint(formatCount(st.errors), 'red', color) : '0';
  const lines = [
    head.join('  '),
    `rate ${rate(st)}  in flight ${formatCount(st.inFlight)}  users ${formatCount(st.usersActive)}  ` +
      `ok ${paint(formatCount(st.ok), 'green', color)}  errors ${errors}${errorShare(st)}`,
    `${ttftText(st)}  output ${formatRate(st.outputTokensPerS)} tok/s  cost ${formatUSD(st.costUSD)}`,
  ];
  const top = topErrors(st.errorsByClass);
  if (top !== null) lines.push(`${paint('errors:', 'red', color)} ${top}`);
  return lines.map((l) => fitWidth(l, usable));
}

/** One plain line (no escape codes) for logs and pipes. */
export function progressLine(st: LiveStatus): string {
  const parts = [
    `${timing(st)}${st.progress === null ? '' : ` (${formatPercent(st.progress)})`}`,
    st.phase,
    rate(st),
    `in flight ${formatCount(st.inFlight)}`,
    `users ${formatCount(st.usersActive)}`,
    `ok ${formatCount(st.ok)} errors ${formatCount(st.errors)}${errorShare(st)}`,
    ttftText(st),
    `${formatRate(st.outputTokensPerS)} tok/s`,
    formatUSD(st.costUSD),
  ];
  const top = topErrors(st.errorsByClass, '=');
  if (top !== null) parts.push(`top errors ${top}`);
  if (st.label !== null) parts.push(st.label);
  return `[loadtest] ${parts.join(' | ')}`;
}
