import { redactSecrets } from '../log/secret-patterns.js';

/**
 * The contract every config value type fulfils. A type turns raw input into a typed value and, when it cannot,
 * explains why in a sentence that the loader pairs with `expected` to build an issue.
 */

/** Outcome of parsing one raw input: the typed value, or a problem sentence such as `"eighty" is not a whole number`. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/**
 * Renders a raw input inside a problem sentence. Parsers never quote input themselves: the loader hands them a
 * masking `Show` for secret options, so no parser can leak a secret into an error message by accident.
 */
export type Show = (raw: unknown) => string;

export interface ValueType<T> {
  /** Short placeholder for `--help` and docs, e.g. `int`, `duration`, `host:port`. */
  readonly label: string;
  /** What a valid value looks like, phrased to follow "expected", e.g. `an integer from 0 to 65535`. */
  readonly expected: string;
  /** Secret values are masked in errors, docs and dumps. */
  readonly secret: boolean;
  /** True for booleans: on the command line the flag alone means `true`, so it takes no argument. */
  readonly isBoolean: boolean;
  /** Parses text from an environment variable or a command-line flag. */
  parseString(raw: string, show: Show): Parsed<T>;
  /** Parses a value from a config file (YAML/JSON), which may already be a number, boolean, list or object. */
  parseValue(value: unknown, show: Show): Parsed<T>;
  /** Renders a value for docs and help, in a form `parseString` accepts back. */
  format(value: T): string;
}

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail(problem: string): Parsed<never> {
  return { ok: false, problem };
}

const MAX_SHOWN = 80;

/**
 * The default `Show`: JSON-ish rendering, truncated so one long value cannot drown the rest of the report, with
 * credentials scrubbed — a URL option's bad value may carry a password (`https://u:pass@host`) or a key (`?api_key=`).
 */
export const showValue: Show = (raw) => {
  let text: string;
  try {
    text = raw === undefined ? 'undefined' : (JSON.stringify(raw) ?? String(raw));
  } catch {
    text = String(raw);
  }
  text = redactSecrets(text);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
};

export const SECRET_MASK = '***';

/** The `Show` used for secrets: whatever the input, only the mask is ever rendered. */
export const showMasked: Show = () => SECRET_MASK;

/** Names the JSON kind of a file value, for "is a list, not a number" style problems. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Builds `parseValue` for scalar types: strings found in files mean the same as in env (YAML users often quote
 * numbers), other kinds go to `fromNative`, and anything else is reported by kind.
 */
export function scalarValue<T>(
  parseString: (raw: string, show: Show) => Parsed<T>,
  fromNative: (value: unknown, show: Show) => Parsed<T> | undefined,
  noun: string,
): (value: unknown, show: Show) => Parsed<T> {
  return (value, show) => {
    if (typeof value === 'string') return parseString(value, show);
    return fromNative(value, show) ?? fail(`${show(value)} is ${kindOf(value)}, not ${noun}`);
  };
}
