/** Escape hatch: any zod schema as a config value type, for shapes the built-in types do not cover. */
import type { z } from 'zod';
import { fail, ok, SECRET_MASK } from './value-type.js';
import type { Parsed, ValueType } from './value-type.js';

export interface ZodTypeOptions {
  /** What a valid value looks like, e.g. `a JSON list of {model, weight} objects`. Zod cannot phrase this for us. */
  readonly expected: string;
  /** Placeholder for `--help`; defaults to `value`. */
  readonly label?: string;
  /** Mask the value everywhere, as `secretType` does. */
  readonly secret?: boolean;
}

/**
 * Zod's built-in messages describe the schema, not the input; custom refinement messages might quote it, which is
 * why the loader also scrubs the raw value out of every secret's problem text.
 */
function problemOf(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function zodType<S extends z.ZodType>(schema: S, options: ZodTypeOptions): ValueType<z.output<S>> {
  const parseValue = (value: unknown): Parsed<z.output<S>> => {
    const result = schema.safeParse(value);
    return result.success ? ok(result.data) : fail(problemOf(result.error));
  };
  return {
    label: options.label ?? 'value',
    expected: options.expected,
    secret: options.secret ?? false,
    isBoolean: false,
    // Text is tried as-is first (string and z.coerce schemas), then as JSON (numbers, objects, lists).
    parseString: (raw) => {
      const asText = parseValue(raw);
      if (asText.ok) return asText;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        return asText;
      }
      return parseValue(json);
    },
    parseValue,
    format: (value) => {
      if (options.secret) return SECRET_MASK;
      return typeof value === 'string' ? value : JSON.stringify(value);
    },
  };
}
