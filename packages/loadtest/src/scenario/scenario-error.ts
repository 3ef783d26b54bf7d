/** `ScenarioError`: every problem found in a LoadTestScenario, reported together so all can be fixed in one go. */

export type IssuePath = readonly (string | number)[];

export interface ScenarioIssue {
  /** Dotted and indexed, e.g. `spec.testTypes[1].weight`; `''` for the document as a whole. */
  readonly path: string;
  /** What is wrong and, where it helps, what is accepted, e.g. `expected a number, got "fast"`. */
  readonly message: string;
  /** 1-based position in the source text, when the scenario was read from YAML and the spot is known. */
  readonly line?: number;
  readonly column?: number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['spec', 'testTypes', 1, 'weight']` → `spec.testTypes[1].weight`; odd keys are quoted: `data["a.yaml"]`. */
export function formatPath(path: IssuePath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** One line: `smoke.yaml:12:5: spec.users.perOrg.max: must be ≥ min (5), got 3`. */
export function formatScenarioIssue(issue: ScenarioIssue, source?: string): string {
  let where = source ?? '';
  if (source !== undefined && issue.line !== undefined)
    where += issue.column === undefined ? `:${issue.line}` : `:${issue.line}:${issue.column}`;
  const parts = [where, issue.path, issue.message].filter((part) => part !== '');
  return parts.join(': ');
}

export class ScenarioError extends Error {
  readonly code = 'scenario_invalid';
  readonly issues: readonly ScenarioIssue[];
  /** The file (or other source) the scenario came from; issue lines and columns refer to it. */
  readonly source: string | undefined;

  /** `origin` says where in the source the scenario sits, e.g. `k8s.yaml: ConfigMap "smoke", data key "…"`. */
  constructor(issues: readonly ScenarioIssue[], source?: string, origin: string | undefined = source) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    const lines = issues.map((issue) => `  ${formatScenarioIssue(issue, source)}`);
    super(
      `Invalid LoadTestScenario${origin === undefined ? '' : ` in ${origin}`} (${count}):\n${lines.join('\n')}`,
    );
    this.name = 'ScenarioError';
    this.issues = Object.freeze([...issues]);
    this.source = source;
  }
}

/**
 * Edit distance where swapping two neighbouring letters counts as one edit (optimal string alignment), since
 * `behaviuor` for `behavior` is the usual slip.
 */
function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (beforePrevious[j - 2] ?? 0) + 1);
      current.push(best);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Case and separators do not count: `max_cost_usd`, `MaxCostUSD` and `maxCostUsd` compare equal. */
function fold(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]/g, '');
}

/** ` (did you mean "userBehavior"?)` when a known key is within about one edit per three letters, else `''`. */
export function didYouMean(input: string, known: Iterable<string>): string {
  const folded = fold(input);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(folded, fold(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(folded.length / 3));
  return best !== undefined && bestDistance <= allowed ? ` (did you mean "${best}"?)` : '';
}
