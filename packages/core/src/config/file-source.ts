/** The config-file source: reads YAML or JSON, and maps its (possibly nested) keys onto option names. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { ConfigIssue } from './config-error.js';
import { didYouMean } from './suggest.js';
import { isPlainObject, kindOf } from './value-type.js';

export interface FileValue {
  readonly value: unknown;
  /** `sim.yaml: port`, for issues about this value. */
  readonly sourceName: string;
}

export interface FileSource {
  readonly values: ReadonlyMap<string, FileValue>;
  readonly issues: readonly ConfigIssue[];
}

const EMPTY: FileSource = { values: new Map(), issues: [] };
const FILE_EXPECTED = 'a readable YAML or JSON file';
const MAPPING_EXPECTED = 'a mapping of option names to values';
const MAX_LISTED = 12;

function fileIssue(label: string, problem: string, expected: string): FileSource {
  return { values: new Map(), issues: [{ key: '', source: 'file', sourceName: label, problem, expected }] };
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'file is not readable (permission denied)';
  return `cannot be read (${error instanceof Error ? error.message : String(error)})`;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/**
 * Parser messages are cut down to their first line and stripped of quoted input: both the JSON and the YAML
 * parser echo the offending source text, which may be a secret.
 */
function parseProblem(text: string, isJson: boolean, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  if (!isJson) return `not valid YAML: ${message.replace(/:$/, '')}`;
  const position = /at position (\d+)/.exec(message);
  // V8 appends `, ..."<source excerpt>" is not valid JSON` to some messages: the excerpt must go.
  const cleaned = message.replace(/,\s*(?:\.\.\.)?".*$/, '').replace(/ in JSON at position \d+.*$/, '');
  return `not valid JSON: ${cleaned}${position ? ` at ${lineAndColumn(text, Number(position[1]))}` : ''}`;
}

/** Reads and parses the file; `.json` files are parsed as JSON, anything else as YAML. */
function parseFile(path: string): { data: unknown } | { problem: string; expected: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { problem: readProblem(error), expected: FILE_EXPECTED };
  }
  const isJson = path.toLowerCase().endsWith('.json');
  try {
    return { data: isJson ? JSON.parse(text) : parseYaml(text) };
  } catch (error) {
    return {
      problem: parseProblem(text, isJson, error),
      expected: `a valid ${isJson ? 'JSON' : 'YAML'} file`,
    };
  }
}

interface Walk {
  readonly label: string;
  readonly names: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
  readonly values: Map<string, FileValue>;
  readonly issues: ConfigIssue[];
}

function unknownKey(walk: Walk, key: string): ConfigIssue {
  const names = [...walk.names];
  const listed = names.length > MAX_LISTED ? `${names.slice(0, MAX_LISTED).join(', ')}, …` : names.join(', ');
  return {
    key,
    source: 'file',
    sourceName: `${walk.label}: ${key}`,
    problem: `unknown option${didYouMean(key, names)}`,
    expected: `a known option (${listed})`,
  };
}

/** A group (`faults`) given something other than a mapping. The value is not quoted: it may be a misplaced secret. */
function notAGroup(walk: Walk, name: string, value: unknown): ConfigIssue {
  const prefix = `${name}.`;
  const children = new Set<string>();
  for (const option of walk.names) {
    if (option.startsWith(prefix)) children.add(option.slice(prefix.length).split('.')[0] as string);
  }
  return {
    key: name,
    source: 'file',
    sourceName: `${walk.label}: ${name}`,
    problem: `is ${kindOf(value)}, not a mapping of the ${name}.* options`,
    expected: `a mapping of its options (${[...children].join(', ')})`,
  };
}

function givenTwice(walk: Walk, key: string): ConfigIssue {
  const sourceName = `${walk.label}: ${key}`;
  return {
    key,
    source: 'file',
    sourceName,
    problem: 'set twice',
    expected: 'each option set once, nested or dotted',
  };
}

/** Nested mappings are followed only where they lead to dotted option names; `faults: {rate429: 1}` ≡ `faults.rate429: 1`. */
function walk(object: Record<string, unknown>, path: string, state: Walk): void {
  for (const [key, value] of Object.entries(object)) {
    const name = path === '' ? key : `${path}.${key}`;
    if (state.names.has(name)) {
      // null (`port: ~` or `port:`) leaves the option to lower sources, the way YAML users comment a value out.
      if (value === null) continue;
      if (state.values.has(name)) state.issues.push(givenTwice(state, name));
      else state.values.set(name, { value, sourceName: `${state.label}: ${name}` });
    } else if (state.groups.has(name)) {
      // `faults:` with every nested key commented out is null: like a null option, it sets nothing.
      if (isPlainObject(value)) walk(value, name, state);
      else if (value !== null) state.issues.push(notAGroup(state, name, value));
    } else {
      state.issues.push(unknownKey(state, name));
    }
  }
}

function groupsOf(names: Iterable<string>): Set<string> {
  const groups = new Set<string>();
  for (const name of names) {
    const parts = name.split('.');
    for (let i = 1; i < parts.length; i++) groups.add(parts.slice(0, i).join('.'));
  }
  return groups;
}

/**
 * Values for each option the file sets, plus issues: an unreadable or malformed file, or unknown keys.
 * `file` is a path, or an already-parsed object labelled `fileName` in issues.
 */
export function readFileSource(
  file: string | Readonly<Record<string, unknown>> | undefined,
  names: readonly string[],
  fileName?: string,
): FileSource {
  if (file === undefined) return EMPTY;
  const label = fileName ?? (typeof file === 'string' ? file : 'config');
  const parsed = typeof file === 'string' ? parseFile(file) : { data: file };
  if ('problem' in parsed) return fileIssue(label, parsed.problem, parsed.expected);
  // An empty YAML file (or one holding only comments) parses to null: no settings, not an error.
  const data = parsed.data ?? {};
  if (!isPlainObject(data)) return fileIssue(label, `top level is ${kindOf(data)}`, MAPPING_EXPECTED);
  const state: Walk = {
    label,
    names: new Set(names),
    groups: groupsOf(names),
    values: new Map(),
    issues: [],
  };
  walk(data, '', state);
  return { values: state.values, issues: state.issues };
}
