/** Value types holding several values: lists, records of typed values, and free-form JSON objects. */
import { fail, isPlainObject, kindOf, ok, SECRET_MASK } from './value-type.js';
import type { Parsed, Show, ValueType } from './value-type.js';

export interface ListRules {
  readonly minItems?: number;
}

/** Parses every entry, reporting all bad ones in one problem so a long list is fixed in one pass. */
function parseEntries<T>(
  entries: ReadonlyArray<readonly [string, unknown]>,
  parse: (value: unknown) => Parsed<T>,
): { values: T[]; problems: string[] } {
  const values: T[] = [];
  const problems: string[] = [];
  for (const [where, raw] of entries) {
    const parsed = parse(raw);
    if (parsed.ok) values.push(parsed.value);
    else problems.push(`${where}: ${parsed.problem}`);
  }
  return { values, problems };
}

export function listType<T>(item: ValueType<T>, rules: ListRules = {}): ValueType<readonly T[]> {
  const fromItems = (
    items: readonly unknown[],
    parse: (value: unknown) => Parsed<T>,
  ): Parsed<readonly T[]> => {
    const { values, problems } = parseEntries(
      items.map((raw, index) => [`item ${index + 1}`, raw] as const),
      parse,
    );
    if (problems.length > 0) return fail(problems.join('; '));
    if (rules.minItems !== undefined && values.length < rules.minItems) {
      return fail(`has ${values.length} item(s), fewer than ${rules.minItems}`);
    }
    return ok(values);
  };
  // Env and flags cannot carry arrays, so a comma-separated string stands in; blanks from `a,,b` or a trailing comma are dropped.
  const parseString = (raw: string, show: Show): Parsed<readonly T[]> => {
    const parts = raw.split(',').map((part) => part.trim());
    return fromItems(
      parts.filter((part) => part !== ''),
      (part) => item.parseString(String(part), show),
    );
  };
  const size = rules.minItems === undefined ? '' : ` of at least ${rules.minItems} item(s)`;
  return {
    label: `${item.label},…`,
    expected: `a list${size} (comma-separated in env and flags), each ${item.expected}`,
    secret: item.secret,
    isBoolean: false,
    parseString,
    parseValue: (value, show) => {
      if (typeof value === 'string') return parseString(value, show);
      if (Array.isArray(value)) return fromItems(value, (entry) => item.parseValue(entry, show));
      return fail(`${show(value)} is ${kindOf(value)}, not a list`);
    },
    format: (values) => values.map((value) => item.format(value)).join(','),
  };
}

function parseJsonObject(raw: string, show: Show): Parsed<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // The parser's own message quotes the input, which could be a secret; the position rarely helps in an env var.
    return fail(`${show(raw)} is not valid JSON`);
  }
  return isPlainObject(parsed) ? ok(parsed) : fail(`${show(raw)} is JSON ${kindOf(parsed)}, not an object`);
}

export function recordType<T>(entry: ValueType<T>): ValueType<Readonly<Record<string, T>>> {
  const fromObject = (object: Record<string, unknown>, show: Show): Parsed<Readonly<Record<string, T>>> => {
    const entries = Object.entries(object);
    const { values, problems } = parseEntries(
      entries.map(([key, raw]) => [`key "${key}"`, raw] as const),
      (raw) => entry.parseValue(raw, show),
    );
    if (problems.length > 0) return fail(problems.join('; '));
    return ok(Object.fromEntries(entries.map(([key], index) => [key, values[index] as T])));
  };
  const parseString = (raw: string, show: Show): Parsed<Readonly<Record<string, T>>> => {
    const parsed = parseJsonObject(raw, show);
    return parsed.ok ? fromObject(parsed.value, show) : parsed;
  };
  return {
    label: 'json',
    expected: `an object (JSON in env and flags) whose values are each ${entry.expected}`,
    secret: entry.secret,
    isBoolean: false,
    parseString,
    parseValue: (value, show) => {
      if (typeof value === 'string') return parseString(value, show);
      return isPlainObject(value)
        ? fromObject(value, show)
        : fail(`${show(value)} is ${kindOf(value)}, not an object`);
    },
    format: (record) =>
      JSON.stringify(
        entry.secret ? Object.fromEntries(Object.keys(record).map((k) => [k, SECRET_MASK])) : record,
      ),
  };
}

/** Any JSON value, unchecked; the entry type behind `jsonType`. */
const anyJsonValue: ValueType<unknown> = {
  label: 'json',
  expected: 'any JSON value',
  secret: false,
  isBoolean: false,
  parseString: (raw) => ok(raw),
  parseValue: (value) => ok(value),
  format: (value) => JSON.stringify(value),
};

/** A free-form JSON object, e.g. extra request headers or model parameters passed through untouched. */
export function jsonType(): ValueType<Readonly<Record<string, unknown>>> {
  return { ...recordType(anyJsonValue), expected: 'a JSON object (an object in config files)' };
}
