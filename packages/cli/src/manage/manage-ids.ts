import { ok, valueTypes, type ValueType } from '@llmops/core';
import type { ArgDef, CommandContext } from '../command.js';

/**
 * How `llmops manage` commands name what they act on: positionally, as the original's `get <project-id>`, or with
 * `--id` (kept, so scripts written for either form work).
 */
export function idArgument(name: string, description: string): ArgDef {
  return { name, description: `${description} (or --id)` };
}

/** The id from the first positional argument or `--id`; both may be given only when they agree. */
export function idFrom(flag: string | undefined, ctx: CommandContext, what: string): string {
  const positional = ctx.args[0];
  if (positional !== undefined && flag !== undefined && positional !== flag) {
    throw new Error(`two different ${what} ids given (${positional} and --id ${flag}); give one`);
  }
  const id = positional ?? flag ?? '';
  if (id === '') throw new Error(`a ${what} id is required: give it as the first argument or with --id`);
  return id;
}

const url = valueTypes.url();

/**
 * An http(s) URL, or the empty string (`--upstream-url ''`), which clears the setting: the management API takes
 * `""` and null alike as "back to the gateway's global upstream".
 */
export const clearableUrl: ValueType<string> = {
  ...url,
  expected: `${url.expected}, or '' to clear it`,
  parseString: (raw, show) => (raw.trim() === '' ? ok('') : url.parseString(raw, show)),
  parseValue: (value, show) =>
    typeof value === 'string' && value.trim() === '' ? ok('') : url.parseValue(value, show),
};
