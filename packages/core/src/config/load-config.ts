/** `loadConfig`: resolves every option from flags > env > config file > default, and reports all problems at once. */
import { ConfigError } from './config-error.js';
import type { ConfigIssue, ConfigSource } from './config-error.js';
import { deepFreeze } from './deep-freeze.js';
import { assertValidSpec } from './define-config.js';
import { readFileSource } from './file-source.js';
import type { FileSource } from './file-source.js';
import { flagKeyOf, flagOf, kebabCase } from './names.js';
import type { AnyOption, Config, ConfigSpec } from './option.js';
import { didYouMean } from './suggest.js';
import { SECRET_MASK, showMasked, showValue } from './value-type.js';
import type { Parsed } from './value-type.js';

export interface ConfigSources {
  /** Defaults to `process.env`. Empty strings count as unset, as shells leave `VAR=` behind. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Raw values from the command line, keyed by option name or by commander's key for the flag (`maxNumSeqs` for
   * `--max-num-seqs`). Strings are parsed like env values; booleans, numbers and arrays like file values. Give
   * commander no defaults, or they would override env and file.
   */
  readonly flags?: Readonly<Record<string, unknown>>;
  /** Path to a YAML or JSON config file, or an already-parsed object. */
  readonly file?: string | Readonly<Record<string, unknown>>;
  /** How the file is named in issues; defaults to the path, or `config` for an object. */
  readonly fileName?: string;
}

interface Candidate {
  readonly source: Exclude<ConfigSource, 'default'>;
  readonly sourceName: string;
  readonly raw: unknown;
}

/** Maps each accepted flags key (option name, commander key) to its option; other keys are reported. */
function resolveFlags(
  spec: ConfigSpec,
  flags: Readonly<Record<string, unknown>>,
): { byName: ReadonlyMap<string, unknown>; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const keys = new Map<string, string>();
  for (const [name, option] of Object.entries(spec)) {
    const flag = flagOf(name, option);
    if (flag === undefined) continue;
    keys.set(flagKeyOf(flag), name);
    keys.set(name, name);
  }
  const byName = new Map<string, unknown>();
  for (const [key, raw] of Object.entries(flags)) {
    const name = keys.get(key);
    if (name === undefined) issues.push(unknownFlag(key, spec));
    else if (raw !== undefined && !byName.has(name)) byName.set(name, raw);
  }
  return { byName, issues };
}

function unknownFlag(key: string, spec: ConfigSpec): ConfigIssue {
  const hidden = Object.hasOwn(spec, key);
  const named = Object.entries(spec)
    .filter(([name, option]) => flagOf(name, option) !== undefined)
    .map(([name]) => name);
  return {
    key,
    source: 'flag',
    sourceName: `--${kebabCase(key)}`,
    problem: hidden ? 'this option has no command-line flag' : `unknown option${didYouMean(key, named)}`,
    expected: hidden
      ? 'the option set through env or the config file'
      : 'an option of this command (see --help)',
  };
}

function candidatesFor(
  name: string,
  option: AnyOption,
  sources: { flags: ReadonlyMap<string, unknown>; env: ConfigSources['env']; file: FileSource },
): Candidate[] {
  const found: Candidate[] = [];
  const flag = sources.flags.get(name);
  if (flag !== undefined) found.push({ source: 'flag', sourceName: flagOf(name, option) ?? name, raw: flag });
  const { env } = option.settings;
  const envRaw = env === undefined ? undefined : sources.env?.[env];
  if (env !== undefined && envRaw !== undefined && envRaw !== '') {
    found.push({ source: 'env', sourceName: env, raw: envRaw });
  }
  const fileValue = sources.file.values.get(name);
  if (fileValue) found.push({ source: 'file', sourceName: fileValue.sourceName, raw: fileValue.value });
  return found;
}

/** Every string (numbers as text) inside a raw value: what a custom parser could have quoted. */
function stringsIn(raw: unknown): string[] {
  if (typeof raw === 'string') return [raw];
  if (typeof raw === 'number') return [String(raw)];
  if (Array.isArray(raw)) return raw.flatMap(stringsIn);
  if (typeof raw === 'object' && raw !== null) return Object.values(raw).flatMap(stringsIn);
  return [];
}

function parseCandidate(option: AnyOption, { source, raw }: Candidate): Parsed<unknown> {
  const { type } = option;
  const show = type.secret ? showMasked : showValue;
  // Env text is always text; flag strings too, while commander's booleans and arrays are structured like file values.
  const parsed =
    typeof raw === 'string' && source !== 'file' ? type.parseString(raw, show) : type.parseValue(raw, show);
  if (parsed.ok || !type.secret) return parsed;
  // Built-in parsers never quote a secret (they get `showMasked`); this is the backstop for custom ones. The whole
  // problem is replaced, since cutting the secret out of it would still leave its surroundings.
  const leaks = stringsIn(raw).some((text) => text !== '' && parsed.problem.includes(text));
  return leaks ? { ok: false, problem: `${SECRET_MASK} is not valid` } : parsed;
}

/** The winning value of one option, pushing an issue for every bad value from any source and for a missing one. */
function resolveOption(
  name: string,
  option: AnyOption,
  candidates: Candidate[],
  issues: ConfigIssue[],
): unknown {
  let value: unknown;
  let set = false;
  // Every given value is checked, even one a higher source overrides: it would break the next run without the override.
  for (const candidate of candidates) {
    const parsed = parseCandidate(option, candidate);
    const { source, sourceName } = candidate;
    if (!parsed.ok) {
      issues.push({ key: name, source, sourceName, problem: parsed.problem, expected: option.type.expected });
    } else if (!set) {
      value = parsed.value;
      set = true;
    }
  }
  if (set) return value;
  const { default: fallback, required } = option.settings;
  if (fallback === undefined && required === true && candidates.length === 0) {
    issues.push({
      key: name,
      source: 'default',
      sourceName: 'default',
      problem: `required but not set (${whereToSet(name, option)})`,
      expected: option.type.expected,
    });
  }
  return fallback;
}

function whereToSet(name: string, option: AnyOption): string {
  const places = [flagOf(name, option), option.settings.env, `"${name}" in the config file`];
  return `use ${places.filter((place) => place !== undefined).join(', ')}`;
}

/**
 * Loads a command's configuration. Returns one deeply frozen object typed from the spec, or throws a
 * `ConfigError` listing every problem: bad values from any source, unknown file keys and flags, missing options.
 */
export function loadConfig<S extends ConfigSpec>(spec: S, sources: ConfigSources = {}): Config<S> {
  assertValidSpec(spec);
  const names = Object.keys(spec);
  const file = readFileSource(sources.file, names, sources.fileName);
  const flags = resolveFlags(spec, sources.flags ?? {});
  const context = { flags: flags.byName, env: sources.env ?? process.env, file };
  // Order of the report: the file as a whole, then option by option, then keys that match no option.
  const issues: ConfigIssue[] = file.issues.filter((issue) => issue.key === '');
  const result: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec)) {
    result[name] = resolveOption(name, option, candidatesFor(name, option, context), issues);
  }
  issues.push(...file.issues.filter((issue) => issue.key !== ''), ...flags.issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return deepFreeze(result) as Config<S>;
}
