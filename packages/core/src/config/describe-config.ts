/** `describeConfig`: a loaded config as a plain object that is safe to log. */
import type { Config, ConfigSpec } from './option.js';
import { SECRET_MASK } from './value-type.js';

/**
 * The values of `config` keyed by option name, with every set secret replaced by `***`. Unset secrets stay
 * undefined, so a log still shows whether one was given.
 */
export function describeConfig<S extends ConfigSpec>(
  spec: S,
  config: Config<S>,
): { [K in keyof S]: unknown } {
  const described: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec)) {
    const value: unknown = (config as Readonly<Record<string, unknown>>)[name];
    described[name] = option.type.secret && value !== undefined ? SECRET_MASK : value;
  }
  return described as { [K in keyof S]: unknown };
}
