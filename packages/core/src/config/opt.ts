/**
 * `opt.*`: the builders a spec is written with, e.g. `opt.port({ env: 'SIM_PORT', default: 8000, description })`.
 * Each pairs a value type from `valueTypes` with the option's settings.
 */
import type { z } from 'zod';
import type { ListRules } from './collection-types.js';
import { ConfigOption } from './option.js';
import type { AlwaysSet, OptionBuilder, OptionSettings } from './option.js';
import type { RangeRules, StringRules } from './scalar-types.js';
import { valueTypes } from './value-types.js';
import type { ValueType } from './value-type.js';
import type { ZodTypeOptions } from './zod-type.js';
import type { ListenAddress } from './network-types.js';

type Choices = readonly [string, ...string[]];

// The generic builders repeat OptionBuilder's two overloads: a type alias cannot abstract over their generics.

export interface EnumBuilder {
  <const C extends Choices>(
    choices: C,
    settings: OptionSettings<NoInfer<C[number]>> & AlwaysSet<NoInfer<C[number]>>,
  ): ConfigOption<C[number], C[number]>;
  <const C extends Choices>(
    choices: C,
    settings: OptionSettings<NoInfer<C[number]>>,
  ): ConfigOption<C[number], C[number] | undefined>;
}

export interface ListBuilder {
  <I>(
    item: ValueType<I>,
    settings: OptionSettings<NoInfer<readonly I[]>> & ListRules & AlwaysSet<NoInfer<readonly I[]>>,
  ): ConfigOption<readonly I[], readonly I[]>;
  <I>(
    item: ValueType<I>,
    settings: OptionSettings<NoInfer<readonly I[]>> & ListRules,
  ): ConfigOption<readonly I[], readonly I[] | undefined>;
}

type Rec<I> = Readonly<Record<string, I>>;

export interface RecordBuilder {
  <I>(
    entry: ValueType<I>,
    settings: OptionSettings<NoInfer<Rec<I>>> & AlwaysSet<NoInfer<Rec<I>>>,
  ): ConfigOption<Rec<I>, Rec<I>>;
  <I>(
    entry: ValueType<I>,
    settings: OptionSettings<NoInfer<Rec<I>>>,
  ): ConfigOption<Rec<I>, Rec<I> | undefined>;
}

export interface ZodBuilder {
  <S extends z.ZodType>(
    schema: S,
    settings: OptionSettings<NoInfer<z.output<S>>> & ZodTypeOptions & AlwaysSet<NoInfer<z.output<S>>>,
  ): ConfigOption<z.output<S>, z.output<S>>;
  <S extends z.ZodType>(
    schema: S,
    settings: OptionSettings<NoInfer<z.output<S>>> & ZodTypeOptions,
  ): ConfigOption<z.output<S>, z.output<S> | undefined>;
}

export interface CustomBuilder {
  <T>(type: ValueType<T>, settings: OptionSettings<NoInfer<T>> & AlwaysSet<NoInfer<T>>): ConfigOption<T, T>;
  <T>(type: ValueType<T>, settings: OptionSettings<NoInfer<T>>): ConfigOption<T, T | undefined>;
}

/**
 * Wraps a value-type factory as a builder. The factory receives the whole settings object and reads only its own
 * rules (min, pattern, …). The cast only narrows the result type, which the overloads compute from the settings.
 */
function builder<T, Rules = unknown>(makeType: (rules: Rules) => ValueType<T>): OptionBuilder<T, Rules> {
  const build = (settings: OptionSettings<T> & Rules): ConfigOption<T, T | undefined> =>
    new ConfigOption(makeType(settings), settings);
  return build as OptionBuilder<T, Rules>;
}

const custom = (<T>(type: ValueType<T>, settings: OptionSettings<T>): ConfigOption<T, T | undefined> =>
  new ConfigOption(type, settings)) as CustomBuilder;

export const opt = {
  string: builder<string, StringRules>(valueTypes.string),
  /** Never printed: masked in errors, `describeConfig` and the docs table. */
  secret: builder<string, StringRules>(valueTypes.secret),
  int: builder<number, RangeRules>(valueTypes.int),
  number: builder<number, RangeRules>(valueTypes.number),
  boolean: builder<boolean>(valueTypes.boolean),
  url: builder<string>(valueTypes.url),
  host: builder<string>(valueTypes.host),
  port: builder<number>(valueTypes.port),
  listen: builder<ListenAddress>(valueTypes.listen),
  /** Milliseconds; `min`, `max` and `default` are milliseconds too. */
  duration: builder<number, RangeRules>(valueTypes.duration),
  json: builder<Rec<unknown>>(valueTypes.json),
  enum: ((choices: Choices, settings: OptionSettings<string>) =>
    new ConfigOption(valueTypes.enum(choices), settings)) as EnumBuilder,
  list: (<I>(item: ValueType<I>, settings: OptionSettings<readonly I[]> & ListRules) =>
    new ConfigOption(valueTypes.list(item, settings), settings)) as ListBuilder,
  record: (<I>(entry: ValueType<I>, settings: OptionSettings<Rec<I>>) =>
    new ConfigOption(valueTypes.record(entry), settings)) as RecordBuilder,
  zod: (<S extends z.ZodType>(schema: S, settings: OptionSettings<z.output<S>> & ZodTypeOptions) =>
    new ConfigOption(valueTypes.zod(schema, settings), settings)) as ZodBuilder,
  /** Any `ValueType`, built-in (`valueTypes.*`) or hand-written. */
  custom,
} as const;
