/** A declared option: its value type plus where it may come from, and the types `loadConfig` infers from it. */
import type { ValueType } from './value-type.js';

/** What every option declares besides its value type. */
export interface OptionSettings<T> {
  /** One line for `--help` and the generated README table. */
  readonly description: string;
  /** Environment variable, e.g. `SIM_PORT`. Without one the option cannot be set from the environment. */
  readonly env?: string;
  /** Command-line flag; derived from the name in kebab-case (`maxNumSeqs` → `--max-num-seqs`) unless given. `false` hides it. */
  readonly flag?: string | false;
  /** Used when no source sets the option. Typed like the loaded value (a duration default is milliseconds). */
  readonly default?: T;
  /** Report a missing value as an issue. Only meaningful without a default. */
  readonly required?: boolean;
}

export class ConfigOption<T, V = T | undefined> {
  /** Compile-time only (never set): what `loadConfig` yields for this option, `T` or `T | undefined`. */
  declare readonly resolved: V;
  readonly type: ValueType<T>;
  readonly settings: OptionSettings<T>;

  constructor(type: ValueType<T>, settings: OptionSettings<T>) {
    this.type = type;
    // Copied field by field so the type-specific rules passed alongside (min, pattern, …) do not linger here.
    this.settings = Object.freeze({
      description: settings.description,
      env: settings.env,
      flag: settings.flag,
      default: settings.default,
      required: settings.required,
    });
    Object.freeze(this);
  }
}

export type AnyOption = ConfigOption<unknown, unknown>;

/** A command's options keyed by name; names are camelCase, optionally dotted (`faults.rate429`) for nested files. */
export type ConfigSpec = { readonly [name: string]: AnyOption };

export type OptionValue<O> = O extends ConfigOption<unknown, infer V> ? V : never;

/** The loaded configuration of a spec: one readonly property per option. */
export type Config<S extends ConfigSpec> = { readonly [K in keyof S]: OptionValue<S[K]> };

/** Settings that guarantee a value: a default, or `required: true` (a missing value is then an issue). */
export type AlwaysSet<T> = { readonly default: T } | { readonly required: true };

/**
 * A builder for options of one value type. The overloads make the result `T` when the option is always set and
 * `T | undefined` otherwise. The settings type is not a type parameter, so excess-property checks still apply and a
 * misspelt `defualt` is a compile error rather than a silently optional option.
 */
export interface OptionBuilder<T, Rules = unknown> {
  (settings: OptionSettings<T> & Rules & AlwaysSet<T>): ConfigOption<T, T>;
  (settings: OptionSettings<T> & Rules): ConfigOption<T, T | undefined>;
}
