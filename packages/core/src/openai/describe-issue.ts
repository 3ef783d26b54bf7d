import type { z } from 'zod';

/*
 * Turns zod issues into the phrases `parseWire` puts in a 400: "must be …", to be prefixed with the parameter
 * name. Schemas that know better (a range, a set of shapes) set their own phrase through `error`, which zod
 * prefers over this map; this map covers everything else, in the same voice.
 */

type RawIssue = z.core.$ZodRawIssue;

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
  record: 'an object',
  null: 'null',
};

/** `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'` — the way people list choices. */
export function listChoices(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} or ${shown.at(-1) ?? ''}`;
}

function mustBeOneOf(values: readonly unknown[]): string {
  return values.length <= 2 ? `must be ${listChoices(values)}` : `must be one of ${listChoices(values)}`;
}

function describeSize(bound: 'least' | 'most', origin: string, limit: number | bigint): string {
  const sized = origin === 'string' || origin === 'array' || origin === 'set';
  if (sized && bound === 'least' && limit === 1) return 'must not be empty';
  if (origin === 'string') return `must be at ${bound} ${limit} characters long`;
  if (sized) return `must contain at ${bound} ${limit} items`;
  return `must be at ${bound} ${limit}`;
}

/** A zod error map: one "must …" phrase per issue. */
export function describeExpectation(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return mustBeOneOf(issue.values);
    case 'too_small':
      return issue.inclusive === false
        ? `must be greater than ${issue.minimum}`
        : describeSize('least', issue.origin, issue.minimum);
    case 'too_big':
      return issue.inclusive === false
        ? `must be less than ${issue.maximum}`
        : describeSize('most', issue.origin, issue.maximum);
    case 'invalid_union':
      return issue.discriminator !== undefined && Array.isArray(issue.options)
        ? mustBeOneOf(issue.options)
        : 'does not match any accepted shape';
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `has unrecognized fields ${listChoices(issue.keys)}`;
    case 'invalid_key':
      return 'has an invalid key';
    case 'invalid_element':
      return 'contains an invalid element';
    default:
      return 'is invalid';
  }
}

/** How the offending value is quoted back: short, and never a dump of a large object the client sent. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'an empty array';
    return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  }
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
