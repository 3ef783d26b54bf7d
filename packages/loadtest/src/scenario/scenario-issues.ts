/** Turns zod's issues into `ScenarioIssue`s: plain-English messages, one issue per unknown key, with a suggestion. */
import { isSecretKey } from '@llmops/core';
import { z } from 'zod';
import { describeValue } from './scenario-fields.js';
import { didYouMean, type IssuePath } from './scenario-error.js';

/** A problem with its path still as segments, so a YAML reader can find its line. */
export interface RawScenarioIssue {
  readonly path: IssuePath;
  readonly message: string;
}

const EXPECTED: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
};

function sizeMessage(iss: z.core.$ZodRawIssue & { code: 'too_small' | 'too_big' }): string | undefined {
  const small = iss.code === 'too_small';
  const bound = Number(small ? iss.minimum : iss.maximum);
  if (iss.origin === 'array')
    return `must have ${small ? 'at least' : 'at most'} ${bound} item${bound === 1 ? '' : 's'}`;
  if (iss.origin === 'string' && small && bound === 1) return 'must not be empty';
  if (iss.origin !== 'number') return undefined;
  const relation = small ? (iss.inclusive ? '≥' : 'greater than') : iss.inclusive ? '≤' : 'less than';
  return `must be ${relation} ${bound}, got ${describeValue(iss.input)}`;
}

/** The per-parse error map: messages say what was wrong and what is accepted. Schema-level messages win. */
export const scenarioErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      return `expected ${EXPECTED[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}`;
    case 'too_small':
    case 'too_big':
      return sizeMessage(iss);
    case 'invalid_value': {
      const shown = iss.values.map((v) => JSON.stringify(v));
      if (shown.length === 1) return `expected ${shown[0]}, got ${describeValue(iss.input)}`;
      const hint = typeof iss.input === 'string' ? didYouMean(iss.input, iss.values.map(String)) : '';
      return `expected one of ${shown.join(', ')}, got ${describeValue(iss.input)}${hint}`;
    }
    default:
      return undefined;
  }
};

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodNullable
    )
      current = current.unwrap();
    else if (current instanceof z.ZodPipe) current = current.in;
    else return current;
  }
}

/** The keys the object schema at `path` knows, for "did you mean" hints. */
export function knownKeysAt(root: z.core.$ZodType, path: IssuePath): string[] {
  let schema = unwrap(root);
  for (const segment of path) {
    if (schema instanceof z.ZodObject) {
      const next: z.core.$ZodType | undefined = schema.shape[segment];
      if (next === undefined) return [];
      schema = unwrap(next);
    } else if (schema instanceof z.ZodArray) schema = unwrap(schema.element);
    else if (schema instanceof z.ZodRecord) schema = unwrap(schema.valueType);
    else return [];
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** A field whose value may be a credential: `adminApiKey`, anything under `headers`, any key named like a secret. */
function secretPath(path: readonly (string | number)[]): boolean {
  return path.some((p) => typeof p === 'string' && (p === 'headers' || isSecretKey(p)));
}

/** The message without the value it quotes (`expected a string, got 12345678` → `expected a string`). */
function withoutValue(message: string): string {
  const at = message.indexOf(', got ');
  return at >= 0 ? message.slice(0, at) : message.replace(/^(".*"|\S+) is /, 'the value is ');
}

function segments(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
}

/** One issue per problem, in document order as zod found them; each unknown key becomes its own issue. */
export function toRawIssues(root: z.core.$ZodType, issues: readonly z.core.$ZodIssue[]): RawScenarioIssue[] {
  const result: RawScenarioIssue[] = [];
  for (const issue of issues) {
    const path = segments(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(root, path);
      for (const key of issue.keys)
        result.push({ path: [...path, key], message: `unknown key${didYouMean(key, known)}` });
    } else {
      result.push({ path, message: secretPath(path) ? withoutValue(issue.message) : issue.message });
    }
  }
  return result;
}
