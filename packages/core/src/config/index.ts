// Public surface of the config system: declare options once, load them from flags/env/file, document them.
export { defineConfig } from './define-config.js';
export { opt } from './opt.js';
export type { CustomBuilder, EnumBuilder, ListBuilder, RecordBuilder, ZodBuilder } from './opt.js';
export { ConfigOption } from './option.js';
export type {
  AlwaysSet,
  AnyOption,
  Config,
  ConfigSpec,
  OptionBuilder,
  OptionSettings,
  OptionValue,
} from './option.js';
export { loadConfig } from './load-config.js';
export type { ConfigSources } from './load-config.js';
export { ConfigError, formatIssue } from './config-error.js';
export type { ConfigIssue, ConfigSource } from './config-error.js';
export { valueTypes } from './value-types.js';
export { fail, ok } from './value-type.js';
export type { Parsed, Show, ValueType } from './value-type.js';
export type { ListRules } from './collection-types.js';
export type { RangeRules, StringRules } from './scalar-types.js';
export type { ListenAddress } from './network-types.js';
export type { ZodTypeOptions } from './zod-type.js';
export { formatDurationMs, parseDurationMs } from './duration-type.js';
export { formatListen } from './network-types.js';
export { describeConfig } from './describe-config.js';
export { specOptions } from './spec-options.js';
export type { OptionInfo } from './spec-options.js';
export { configTableMarkdown } from './markdown-table.js';
export type { TableOptions } from './markdown-table.js';
