/** Field types the LoadTestScenario schema is built from: counts, fractions, durations, URLs, weighted lists. */
import { parseDurationMs, redactSecrets } from '@llmops/core';
import { z } from 'zod';

/** A whole number of at least `min` (the contract's counts: `count ≥ 1`, `retryAttempts ≥ 0`). */
export function count(min: number) {
  return z.number().int().min(min);
}

/** Any finite number ≥ 0 (money, rates, token counts written with decimals). */
export const nonNegative = z.number().min(0);

/** A probability or ratio from 0 to 1. */
export const fraction = z.number().min(0).max(1);

/** A weight in a weighted list: any number above 0. */
export const weight = z
  .number()
  .gt(0, { error: (iss) => `must be greater than 0, got ${String(iss.input)}` });

export const nonEmptyString = z.string().min(1, { error: 'must not be empty' });

/** YAML 1.1 spellings that yaml.v3 (the original's loader) decodes into a Go `bool`, quoted or not. */
const YAML11_BOOLEANS: Readonly<Record<string, boolean>> = Object.fromEntries([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((s) => [s, true]),
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].map((s) => [s, false]),
]);

/** A boolean: `true`/`false`, or `yes`/`no`/`on`/`off` as the original's loader reads them. */
export const flag = z.preprocess(
  (value) => (typeof value === 'string' ? (YAML11_BOOLEANS[value] ?? value) : value),
  z.boolean(),
);

export const stringMap = z.record(z.string(), z.string());

/** The accepted duration forms, quoted in every duration error. */
export const DURATION_FORMS = 'a number of seconds or a string like 90, 500ms, 30s, 5m, 1h30m or 2h';

/** Seconds for a duration given as a number of seconds or a text (`90`, `500ms`, `1h30m`); undefined if invalid. */
export function durationToSeconds(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const ms = parseDurationMs(value);
  return ms === undefined ? undefined : ms / 1000;
}

export interface DurationRules {
  /** Reject 0 (a timeout or an interval of nothing). */
  positive?: boolean;
}

/** A duration in seconds, written as a number of seconds or a string like `500ms`, `5m`, `1h30m`, `2h`. */
export function duration(rules: DurationRules = {}) {
  return z
    .union([z.number(), z.string()], {
      error: (iss) => `expected ${DURATION_FORMS}, got ${describeValue(iss.input)}`,
    })
    .transform((value, ctx) => {
      const seconds = durationToSeconds(value);
      if (seconds === undefined) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: `${describeValue(value)} is not a duration; use ${DURATION_FORMS}`,
        });
        return z.NEVER;
      }
      if (rules.positive && seconds === 0) {
        ctx.issues.push({ code: 'custom', input: value, message: 'must be longer than 0' });
        return z.NEVER;
      }
      return seconds;
    });
}

/** An http(s) URL; a trailing `/` is dropped so that `<url>/v1/chat/completions` joins cleanly. */
export const httpUrl = z
  .url({ protocol: /^https?$/, error: (iss) => `expected an http(s) URL, got ${describeValue(iss.input)}` })
  .transform((url) => url.replace(/\/+$/, ''));

/** `{ min, max }` of whole numbers with `max ≥ min`. */
export function intRange(min: number) {
  return z.strictObject({ min: count(min), max: count(min) }).check(maxAtLeastMin);
}

/** Adds `max: must be ≥ min (…)` when both bounds are numbers and out of order. */
export function maxAtLeastMin(
  payload: z.core.ParsePayload<{ min?: number | undefined; max?: number | undefined }>,
) {
  const { min, max } = payload.value;
  if (min !== undefined && max !== undefined && max < min)
    payload.issues.push({
      code: 'custom',
      path: ['max'],
      input: max,
      message: `must be ≥ min (${min}), got ${max}`,
    });
}

/** Adds `weights sum to 90; they must sum to 100` to a list whose weights are percentages. */
export function weightsSumTo100<T extends { weight: number }>(payload: z.core.ParsePayload<T[]>) {
  const sum = payload.value.reduce((total, item) => total + item.weight, 0);
  if (Math.abs(sum - 100) > 1e-6) {
    const shown = Number(sum.toFixed(6));
    payload.issues.push({
      code: 'custom',
      input: payload.value,
      message: `weights sum to ${shown}; they must sum to 100`,
    });
  }
}

/**
 * A percentage in a list whose weights sum to 100 (`testTypes`, `scenarioMix`): 0 is allowed, as in the original,
 * to switch an entry off; the sum keeps at least one above 0.
 */
export const percentWeight = z.number().min(0);

/** `{ name, weight }` entries, as in `scenarioMix.scenarios` and `questionStrategies`. */
export function namedWeight<N extends z.ZodType>(name: N, weightSchema: z.ZodNumber = weight) {
  return z.strictObject({ name, weight: weightSchema });
}

/** A short rendering of a bad value for messages: `"fast"`, `12`, `null`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  // Scrubbed of credentials: a URL may carry a password or key (`https://u:pass@host`, `?api_key=`).
  if (typeof value === 'string') {
    const shown = redactSecrets(value);
    return JSON.stringify(shown.length > 60 ? `${shown.slice(0, 57)}...` : shown);
  }
  return String(value);
}
