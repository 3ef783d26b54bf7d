import type { Rng } from './rng.js';

export const FAULT_NAMES = [
  '429',
  '500',
  '503',
  'reset',
  'slow_first_byte',
  'stall',
  'cut',
  'malformed',
  'wrong_content_type',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** One fault to apply to a request, with its parameters resolved. */
export interface Fault {
  name: FaultName;
  /** Tokens sent before a mid-stream fault (stall, cut, malformed). */
  after: number;
  /** Delay for slow_first_byte and stall. */
  ms: number;
  /** Retry-After seconds for 429 and 503. */
  retryAfter: number;
}

export interface FaultDefaults {
  afterTokens: number;
  delayMs: number;
  retryAfterS: number;
}

export type FaultRates = Partial<Record<FaultName, number>>;

function isFaultName(s: string): s is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(s);
}

/**
 * Parses the global fault rates, `name=rate` pairs separated by commas (e.g. `429=0.02,cut=0.005`). Returns an
 * error message naming the bad part, or the rates.
 */
export function parseFaultRates(spec: string): FaultRates | string {
  const rates: FaultRates = {};
  let total = 0;
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (name === undefined || !isFaultName(name))
      return `unknown fault ${JSON.stringify(name)} (known: ${FAULT_NAMES.join(', ')})`;
    const rate = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
      return `rate of ${name} must be a number from 0 to 1, got ${JSON.stringify(value ?? '')}`;
    }
    rates[name] = rate;
    total += rate;
  }
  if (total > 1) return `fault rates add up to ${total}, more than 1`;
  return rates;
}

/**
 * Parses the per-request fault header, `name` or `name;key=value;key=value` with keys `after`, `ms`,
 * `retry_after` (e.g. `x-sim-fault: stall;after=5;ms=1500`).
 */
export function parseFaultHeader(value: string, d: FaultDefaults): Fault | string {
  const [rawName, ...params] = value.split(';').map((s) => s.trim());
  const name = rawName ?? '';
  if (!isFaultName(name))
    return `unknown fault ${JSON.stringify(name)} in x-sim-fault (known: ${FAULT_NAMES.join(', ')})`;
  const fault: Fault = { name, after: d.afterTokens, ms: d.delayMs, retryAfter: d.retryAfterS };
  for (const p of params) {
    const [k, v] = p.split('=').map((s) => s.trim());
    const n = Number(v);
    if (v === undefined || v === '' || !Number.isFinite(n) || n < 0)
      return `x-sim-fault parameter ${JSON.stringify(p)} needs a non-negative number`;
    if (k === 'after') fault.after = Math.floor(n);
    else if (k === 'ms') fault.ms = n;
    else if (k === 'retry_after') fault.retryAfter = n;
    else return `unknown x-sim-fault parameter ${JSON.stringify(k)} (known: after, ms, retry_after)`;
  }
  return fault;
}

/** Draws at most one fault for a request from the global rates. */
export function drawFault(rates: FaultRates, rng: Rng, d: FaultDefaults): Fault | null {
  const names = Object.keys(rates) as FaultName[];
  if (names.length === 0) return null;
  let x = rng.next();
  for (const name of names) {
    x -= rates[name] ?? 0;
    if (x < 0) return { name, after: d.afterTokens, ms: d.delayMs, retryAfter: d.retryAfterS };
  }
  return null;
}
