/**
 * Number and time formatting for the HTML report. A fixed locale and UTC make the output byte-for-byte the same
 * on every machine; anything that is not a finite number shows as an em dash, so "NaN" and "Infinity" never
 * reach the page.
 */

const LOCALE = 'en-US';
export const MISSING = '—';

const formatters = new Map<number, Intl.NumberFormat>();

/** `value` with exactly `decimals` fraction digits and thousands separators. */
export function formatFixed(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return MISSING;
  let f = formatters.get(decimals);
  if (!f) {
    // signDisplay 'negative': a value that rounds to zero prints "0.00", never "-0.00".
    f = new Intl.NumberFormat(LOCALE, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
      signDisplay: 'negative',
    });
    formatters.set(decimals, f);
  }
  return f.format(value);
}

export function formatCount(value: number): string {
  return formatFixed(value, 0);
}

/** Fewer decimals as the magnitude grows: 0.123, 1.23, 12.3, 123, 1,234; whole numbers without any. */
export function formatMagnitude(value: number): string {
  const a = Math.abs(value);
  const decimals = Number.isInteger(value) || a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return formatFixed(value, decimals);
}

/** Milliseconds with their unit: `0.412 ms`, `12.3 ms`, `1,234 ms`. */
export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? `${formatMagnitude(ms)} ms` : MISSING;
}

/** A per-second rate with its unit, e.g. `12.5 req/s`. */
export function formatRate(perS: number, unit: string): string {
  return Number.isFinite(perS) ? `${formatMagnitude(perS)} ${unit}` : MISSING;
}

/** A ratio in [0, 1] as a percentage: `0%`, `0.25%`, `12.5%`, `100%`. */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return MISSING;
  const pct = ratio * 100;
  if (pct === 0 || pct === 100) return `${formatFixed(pct, 0)}%`;
  return `${formatFixed(pct, pct < 10 ? 2 : 1)}%`;
}

/** US dollars: cents from a dollar on, four decimals below (LLM requests cost fractions of a cent). */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return MISSING;
  // Decide on the rounded amount, so $0.99996 shows as $1.00 rather than $1.0000.
  const small = Math.abs(Math.round(usd * 1e4) / 1e4) < 1 && usd !== 0;
  return `$${formatFixed(usd, small ? 4 : 2)}`;
}

/** An epoch-ms instant as ISO 8601 in UTC. */
export function formatInstant(epochMs: number | null): string {
  if (epochMs === null || !Number.isFinite(epochMs)) return MISSING;
  const d = new Date(epochMs);
  return Number.isNaN(d.getTime()) ? MISSING : d.toISOString();
}

/** A duration in seconds: `850 ms`, `42.5 s`, `12 min 05 s`, `2 h 03 min 10 s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return MISSING;
  if (seconds < 1) return formatMs(seconds * 1000);
  if (seconds < 60) return `${formatFixed(seconds, 1)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const min = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h} h ${String(min).padStart(2, '0')} min ${s} s` : `${min} min ${s} s`;
}

/** Seconds since the start as a clock for time axes: `0:45`, `12:30`, `1:02:03`. */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds)) return MISSING;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const min = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(min).padStart(2, '0')}:${s}` : `${min}:${s}`;
}
