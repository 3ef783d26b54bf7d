/**
 * Durations: `250ms`, `30s`, `5m`, `1h30m`, or a bare number of seconds; Go's `us`/`µs` and `ns` too, so an
 * llm-proxy environment carries over as it is. Values are milliseconds.
 */
import type { RangeRules } from './scalar-types.js';
import { fail, ok, scalarValue } from './value-type.js';
import type { Parsed, Show, ValueType } from './value-type.js';

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 1e-3, µs: 1e-3, μs: 1e-3, ns: 1e-6 } as const;
type Unit = keyof typeof UNIT_MS;

const SECONDS = /^\d+(\.\d+)?$/;
const WHOLE = /^(\d+(\.\d+)?(ns|us|µs|μs|ms|h|m|s))+$/;
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|h|m|s)/g;

/** Drops binary-fraction noise (1.1 × 1000 = 1100.0000000000002) below a microsecond. */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Milliseconds for a duration text, or undefined when it is not one. */
export function parseDurationMs(text: string): number | undefined {
  const compact = text.trim().toLowerCase();
  // A bare number is seconds, matching the unit most timeouts are thought of in.
  if (SECONDS.test(compact)) return roundMs(Number(compact) * UNIT_MS.s);
  if (!WHOLE.test(compact)) return undefined;
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as Unit];
  return roundMs(total);
}

/** Renders milliseconds in the largest units that add up exactly, e.g. 5_400_000 → `1h30m`. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const unit of ['h', 'm', 's'] as const) {
    const count = Math.floor(rest / UNIT_MS[unit]);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * UNIT_MS[unit];
    }
  }
  return rest > 0 ? `${text}${Number(rest.toFixed(3))}ms` : text;
}

/** ` from 1s to 5m`-style suffix for `expected`; bounds are in milliseconds like the values. */
function boundsText({ min, max }: RangeRules): string {
  if (min !== undefined && max !== undefined)
    return ` from ${formatDurationMs(min)} to ${formatDurationMs(max)}`;
  if (min !== undefined) return ` of at least ${formatDurationMs(min)}`;
  if (max !== undefined) return ` of at most ${formatDurationMs(max)}`;
  return '';
}

/** Duration in milliseconds; `min`/`max` are milliseconds too. */
export function durationType(rules: RangeRules = {}): ValueType<number> {
  const check = (ms: number, raw: unknown, show: Show): Parsed<number> => {
    const { min, max } = rules;
    if (min !== undefined && ms < min) return fail(`${show(raw)} is shorter than ${formatDurationMs(min)}`);
    if (max !== undefined && ms > max) return fail(`${show(raw)} is longer than ${formatDurationMs(max)}`);
    return ok(ms);
  };
  const parseString = (raw: string, show: Show): Parsed<number> => {
    const ms = parseDurationMs(raw);
    return ms === undefined ? fail(`${show(raw)} is not a duration`) : check(ms, raw, show);
  };
  return {
    label: 'duration',
    expected: `a duration${boundsText(rules)} such as 250ms, 30s, 5m or 1h30m, or a number of seconds`,
    secret: false,
    isBoolean: false,
    parseString,
    parseValue: scalarValue(
      parseString,
      (value, show) => {
        if (typeof value !== 'number') return undefined;
        const valid = Number.isFinite(value) && value >= 0;
        return valid
          ? check(roundMs(value * UNIT_MS.s), value, show)
          : fail(`${show(value)} is not a duration`);
      },
      'a duration',
    ),
    format: formatDurationMs,
  };
}
