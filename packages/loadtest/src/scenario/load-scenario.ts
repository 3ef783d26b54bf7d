/**
 * Reading scenarios from YAML or JSON: a plain `LoadTestScenario` file, a multi-document file holding one, or a
 * Kubernetes ConfigMap carrying it under `data["load-test-config.yaml"]` (how the original deploys it). Problems
 * are reported with the file's own line and column, also inside a ConfigMap's `|` block.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, type Document } from 'yaml';
import { formatPath, ScenarioError, type IssuePath, type ScenarioIssue } from './scenario-error.js';
import { scenarioErrorMap, toRawIssues } from './scenario-issues.js';
import {
  SCENARIO_KIND,
  targetsSchema,
  validateScenario,
  type LoadTestScenario,
  type ScenarioTargets,
} from './scenario-schema.js';

/** The ConfigMap key the original worker reads (mounted at `/config`). */
export const CONFIGMAP_SCENARIO_KEY = 'load-test-config.yaml';

export interface ScenarioDocument {
  readonly scenario: LoadTestScenario;
  /** Where it was found, e.g. `k8s.yaml: ConfigMap "smoke", data key "load-test-config.yaml"`. */
  readonly origin: string;
}

/** A YAML text and where it sits in the file: a ConfigMap value is a `|` block further down. */
interface Region {
  readonly text: string;
  /** File line of the region's line 0 (the region's line 1 is file line `lineOffset + 1`). */
  readonly lineOffset: number;
  readonly columnOffset: number;
  /** False for a folded or quoted value, whose lines do not map to the file's. */
  readonly positioned: boolean;
}

interface ParsedRegion {
  readonly region: Region;
  readonly lines: LineCounter;
  readonly documents: readonly Document.Parsed[];
}

interface Candidate {
  readonly value: unknown;
  readonly document: Document.Parsed;
  readonly parsed: ParsedRegion;
  readonly origin: string;
}

type Position = Pick<ScenarioIssue, 'line' | 'column'>;

/**
 * `<<` merge keys are on, as in the original's Go loader (yaml.v3): YAML 1.2's core schema leaves them off, which
 * would turn `{ <<: *defaults }` into an unknown key `<<`.
 */
const YAML_OPTIONS = { merge: true } as const;

function positionOf(parsed: ParsedRegion, offset: number | undefined): Position {
  if (offset === undefined || !parsed.region.positioned) return {};
  const { line, col } = parsed.lines.linePos(offset);
  return { line: line + parsed.region.lineOffset, column: col + parsed.region.columnOffset };
}

function fail(source: string, message: string, position: Position = {}, origin?: string): never {
  throw new ScenarioError([{ path: '', message, ...position }], source, origin);
}

/** The first line of a `yaml` error, without the position it appends (reported separately). */
function syntaxMessage(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function parseRegion(region: Region, source: string): ParsedRegion {
  const lines = new LineCounter();
  const documents = parseAllDocuments(region.text, {
    ...YAML_OPTIONS,
    lineCounter: lines,
    prettyErrors: true,
  });
  const parsed: ParsedRegion = { region, lines, documents: 'empty' in documents ? [] : documents };
  const issues = parsed.documents.flatMap((document) =>
    document.errors.map((error) => ({
      path: '',
      message: `YAML syntax error: ${syntaxMessage(error.message)}`,
      ...positionOf(parsed, error.pos[0]),
    })),
  );
  if (issues.length > 0) throw new ScenarioError(issues, source);
  return parsed;
}

/** Offset of the YAML node at `path`, or of its deepest existing parent (for a missing key). */
function offsetOf(document: Document.Parsed, path: IssuePath): number | undefined {
  let node: unknown = document.contents;
  let offset = isMap(node) || isSeq(node) || isScalar(node) ? node.range?.[0] : undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined || !isScalar(pair.key)) break;
      offset = pair.key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!(isMap(item) || isSeq(item) || isScalar(item))) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset;
}

type Plain = Record<string, unknown>;
const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isConfigMap = (value: unknown): value is Plain =>
  isPlain(value) && value.kind === 'ConfigMap' && value.apiVersion === 'v1';
const isScenarioLike = (value: unknown): boolean => isPlain(value) && value.kind === SCENARIO_KIND;

function nameOf(value: Plain): string {
  const metadata = value.metadata;
  return isPlain(metadata) && typeof metadata.name === 'string' ? `"${metadata.name}"` : '(unnamed)';
}

/** Whether a ConfigMap value is YAML holding a LoadTestScenario (syntax errors simply mean no). */
function holdsScenario(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  const documents = parseAllDocuments(text, YAML_OPTIONS);
  return !('empty' in documents) && documents.some((d) => d.errors.length === 0 && isScenarioLike(d.toJS()));
}

/** The data key holding the scenario: `load-test-config.yaml`, else the only key whose value is one. */
function scenarioKey(configMap: Plain): { key?: string; problem?: string } {
  const data = isPlain(configMap.data) ? configMap.data : {};
  if (typeof data[CONFIGMAP_SCENARIO_KEY] === 'string') return { key: CONFIGMAP_SCENARIO_KEY };
  const keys = Object.keys(data);
  const holding = keys.filter((key) => holdsScenario(data[key]));
  if (holding.length === 1) return { key: holding[0] };
  const listed =
    keys.length === 0 ? 'it has no data keys' : `its data keys are ${keys.map((k) => `"${k}"`).join(', ')}`;
  if (holding.length === 0)
    return {
      problem: `holds no LoadTestScenario: expected data key "${CONFIGMAP_SCENARIO_KEY}", and ${listed}`,
    };
  return { problem: `holds ${holding.length} LoadTestScenarios (${holding.join(', ')}); keep one` };
}

/** The scenario inside a ConfigMap document, with its lines mapped to the file's. */
function fromConfigMap(
  outer: ParsedRegion,
  document: Document.Parsed,
  value: Plain,
  key: string,
  label: string,
) {
  const node: unknown = document.getIn(['data', key], true);
  const block = isScalar(node) && node.type === Scalar.BLOCK_LITERAL && node.range ? node : undefined;
  const text = String((value.data as Plain)[key]);
  let region: Region = { text, lineOffset: 0, columnOffset: 0, positioned: false };
  if (block?.range && outer.region.positioned) {
    const header = outer.lines.linePos(block.range[0]).line;
    // The block's indentation is that of its first non-blank line.
    const body = outer.region.text.split(/\r?\n/).slice(header);
    const indent = /^ */.exec(body.find((line) => line.trim() !== '') ?? '')?.[0].length ?? 0;
    region = { text, lineOffset: header + outer.region.lineOffset, columnOffset: indent, positioned: true };
  }
  return {
    parsed: parseRegion(region, label),
    origin: `${label}: ConfigMap ${nameOf(value)}, data key "${key}"`,
  };
}

function candidateFrom(
  outer: ParsedRegion,
  document: Document.Parsed,
  source: string,
  label: string,
): Candidate {
  const value: unknown = document.toJS();
  if (!isConfigMap(value)) return { value, document, parsed: outer, origin: label };
  const { key, problem } = scenarioKey(value);
  if (key === undefined)
    fail(
      source,
      `ConfigMap ${nameOf(value)} ${problem ?? ''}`,
      positionOf(outer, offsetOf(document, ['data'])),
    );
  const inner = fromConfigMap(outer, document, value, key, source);
  const innerDocument = inner.parsed.documents.find((d) => d.contents !== null);
  if (innerDocument === undefined) fail(source, `data key "${key}" of the ConfigMap is empty`);
  return { value: innerDocument.toJS(), document: innerDocument, parsed: inner.parsed, origin: inner.origin };
}

function choose(parsed: ParsedRegion, source: string): Candidate {
  const present = parsed.documents.filter((d) => d.contents !== null);
  if (present.length === 0) fail(source, 'contains no YAML document; expected a LoadTestScenario');
  // A lone document is validated whatever its kind, so that a wrong kind is reported along with everything else.
  if (present.length === 1) return candidateFrom(parsed, present[0] as Document.Parsed, source, source);
  const holding = present.filter((document) => {
    const value: unknown = document.toJS();
    return isScenarioLike(value) || (isConfigMap(value) && scenarioKey(value).key !== undefined);
  });
  const describe = (document: Document.Parsed): string => {
    const value: unknown = document.toJS();
    const kind = isPlain(value) && typeof value.kind === 'string' ? value.kind : 'no kind';
    return `document ${parsed.documents.indexOf(document) + 1} (${kind}${isPlain(value) ? ` ${nameOf(value)}` : ''})`;
  };
  if (holding.length === 0)
    fail(
      source,
      `none of its ${present.length} documents is a LoadTestScenario: ${present.map(describe).join(', ')}`,
    );
  if (holding.length > 1)
    fail(
      source,
      `${holding.length} of its documents hold a LoadTestScenario: ${holding.map(describe).join(', ')}; keep one`,
    );
  const document = holding[0] as Document.Parsed;
  return candidateFrom(parsed, document, source, `${source} ${describe(document)}`);
}

/** The scenario in a YAML or JSON text, and where in it the scenario was found. */
export function readScenarioText(text: string, source: string): ScenarioDocument {
  const parsed = parseRegion({ text, lineOffset: 0, columnOffset: 0, positioned: true }, source);
  const candidate = choose(parsed, source);
  const result = validateScenario(candidate.value);
  if (result.ok) return { scenario: result.scenario, origin: candidate.origin };
  const issues = result.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
    ...positionOf(candidate.parsed, offsetOf(candidate.document, issue.path)),
  }));
  throw new ScenarioError(issues, source, candidate.origin === source ? undefined : candidate.origin);
}

/** A normalised scenario from YAML or JSON text; `source` names it in error messages. */
export function parseScenarioText(text: string, source: string): LoadTestScenario {
  return readScenarioText(text, source).scenario;
}

/** A normalised scenario from a file; every problem is reported at once in a `ScenarioError`. */
export async function loadScenarioFile(path: string): Promise<LoadTestScenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(path, `cannot read the file (${reason})`);
  }
  return parseScenarioText(text, path);
}

/** Settings that point a scenario somewhere else, e.g. the originals' examples at a local gateway. */
export type ScenarioOverrides = Partial<
  Pick<ScenarioTargets, 'apiRouterUrl' | 'userOrgUrl' | 'adminApiKey' | 'apiKey' | 'bootstrapApi'>
>;

/** A copy of `scenario` with `spec.targets` overridden (validated like the file's own values). */
export function applyOverrides(scenario: LoadTestScenario, overrides: ScenarioOverrides): LoadTestScenario {
  const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const result = targetsSchema.safeParse({ ...scenario.spec.targets, ...given }, { error: scenarioErrorMap });
  if (!result.success) {
    const issues = toRawIssues(targetsSchema, result.error.issues).map((issue) => ({
      path: formatPath(['spec', 'targets', ...issue.path]),
      message: issue.message,
    }));
    throw new ScenarioError(issues, 'overrides');
  }
  return { ...scenario, spec: { ...scenario.spec, targets: result.data } };
}
