/** Value types for plain scalars: strings, secrets, integers, numbers, booleans and enumerations. */
import { didYouMean } from './suggest.js';
import { fail, kindOf, ok, scalarValue, SECRET_MASK } from './value-type.js';
import type { Parsed, Show, ValueType } from './value-type.js';

export interface StringRules {
  /** Minimum length in characters; `1` rejects empty strings given on the command line. */
  readonly minLength?: number;
  /** The whole value must match (anchor the pattern yourself). */
  readonly pattern?: RegExp;
  /** Human wording of `pattern` for error messages, e.g. `a model id like org/name`. */
  readonly patternHint?: string;
}

export interface RangeRules {
  readonly min?: number;
  readonly max?: number;
}

function stringExpected(noun: string, rules: StringRules): string {
  if (rules.pattern) return rules.patternHint ?? `${noun} matching ${String(rules.pattern)}`;
  if (rules.minLength === 1) return `a non-empty ${noun.replace(/^an? /, '')}`;
  if (rules.minLength !== undefined) return `${noun} of at least ${rules.minLength} characters`;
  return noun;
}

function checkString(raw: string, rules: StringRules, show: Show): Parsed<string> {
  if (rules.minLength !== undefined && raw.length < rules.minLength) {
    return fail(`${show(raw)} is shorter than ${rules.minLength} characters`);
  }
  if (rules.pattern && !rules.pattern.test(raw)) return fail(`${show(raw)} does not have the expected form`);
  return ok(raw);
}

/** Numbers in files are refused rather than stringified: YAML reads `version: 1.10` as 1.1. */
function stringFromValue(rules: StringRules) {
  return (value: unknown, show: Show): Parsed<string> =>
    typeof value === 'string'
      ? checkString(value, rules, show)
      : fail(`${show(value)} is ${kindOf(value)}, not a string (quote it in the file)`);
}

export function stringType(rules: StringRules = {}): ValueType<string> {
  return {
    label: 'string',
    expected: stringExpected('a string', rules),
    secret: false,
    isBoolean: false,
    parseString: (raw, show) => checkString(raw, rules, show),
    parseValue: stringFromValue(rules),
    format: (value) => value,
  };
}

/** A string that is never printed: the loader masks it in issues, and docs and dumps show `***`. */
export function secretType(rules: StringRules = {}): ValueType<string> {
  return {
    ...stringType(rules),
    label: 'secret',
    expected: stringExpected('a secret string', rules),
    secret: true,
    format: () => SECRET_MASK,
  };
}

export function rangeExpected(noun: string, { min, max }: RangeRules): string {
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return noun;
}

function checkRange(value: number, { min, max }: RangeRules, show: Show): Parsed<number> {
  if (min !== undefined && value < min) return fail(`${show(value)} is less than ${min}`);
  if (max !== undefined && value > max) return fail(`${show(value)} is more than ${max}`);
  return ok(value);
}

const INTEGER_TEXT = /^[+-]?\d+$/;
// Plain decimal notation only: Number() would also take '0x10', '' and ' ', which nobody means as a setting.
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function checkInteger(value: number, rules: RangeRules, show: Show): Parsed<number> {
  if (!Number.isInteger(value)) return fail(`${show(value)} is not a whole number`);
  if (!Number.isSafeInteger(value)) return fail(`${show(value)} is too large`);
  return checkRange(value, rules, show);
}

export function intType(rules: RangeRules = {}): ValueType<number> {
  const parseString = (raw: string, show: Show): Parsed<number> => {
    const text = raw.trim();
    if (!INTEGER_TEXT.test(text)) return fail(`${show(raw)} is not a whole number`);
    return checkInteger(Number(text), rules, show);
  };
  return {
    label: 'int',
    expected: rangeExpected('an integer', rules),
    secret: false,
    isBoolean: false,
    parseString,
    parseValue: scalarValue(
      parseString,
      (value, show) => (typeof value === 'number' ? checkInteger(value, rules, show) : undefined),
      'a whole number',
    ),
    format: String,
  };
}

function checkNumber(value: number, rules: RangeRules, show: Show): Parsed<number> {
  return Number.isFinite(value)
    ? checkRange(value, rules, show)
    : fail(`${show(value)} is not a finite number`);
}

export function numberType(rules: RangeRules = {}): ValueType<number> {
  const parseString = (raw: string, show: Show): Parsed<number> => {
    const text = raw.trim();
    if (!NUMBER_TEXT.test(text)) return fail(`${show(raw)} is not a number`);
    return checkNumber(Number(text), rules, show);
  };
  return {
    label: 'number',
    expected: rangeExpected('a number', rules),
    secret: false,
    isBoolean: false,
    parseString,
    parseValue: scalarValue(
      parseString,
      (value, show) => (typeof value === 'number' ? checkNumber(value, rules, show) : undefined),
      'a number',
    ),
    format: String,
  };
}

// Go's strconv.ParseBool words too (t, f), so an llm-proxy environment carries over as it is.
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on', 't']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', 'f']);

export function booleanType(): ValueType<boolean> {
  const parseString = (raw: string, show: Show): Parsed<boolean> => {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return ok(true);
    if (FALSE_WORDS.has(word)) return ok(false);
    return fail(`${show(raw)} is not a boolean`);
  };
  return {
    label: 'boolean',
    expected: 'true or false (also 1/0, yes/no, on/off)',
    secret: false,
    isBoolean: true,
    parseString,
    parseValue: scalarValue(
      parseString,
      (value) => {
        if (typeof value === 'boolean') return ok(value);
        if (value === 1 || value === 0) return ok(value === 1);
        return undefined;
      },
      'a boolean',
    ),
    format: String,
  };
}

/** One of a fixed set of strings. Matching ignores case (`LOG_LEVEL=INFO`) but yields the declared spelling. */
export function enumType<const C extends readonly [string, ...string[]]>(choices: C): ValueType<C[number]> {
  const parseString = (raw: string, show: Show): Parsed<C[number]> => {
    const text = raw.trim();
    const exact = choices.find((choice) => choice === text);
    if (exact !== undefined) return ok(exact);
    const folded = choices.filter((choice) => choice.toLowerCase() === text.toLowerCase());
    if (folded.length === 1 && folded[0] !== undefined) return ok(folded[0]);
    return fail(`${show(raw)} is not one of the choices${didYouMean(text, choices)}`);
  };
  return {
    label: choices.join('|'),
    expected: `one of: ${choices.join(', ')}`,
    secret: false,
    isBoolean: false,
    parseString,
    parseValue: scalarValue(parseString, () => undefined, 'a string'),
    format: (value) => value,
  };
}
