import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { executePlan, type Execution } from '../engine/execute-plan.js';
import { patternPeakUsers } from '../engine/load-pattern.js';
import type { RunPlan } from '../engine/run-plan.js';
import type { RunResult, SerializedRun } from '../metrics/run-result.js';
import { writeHtmlReport } from '../report/html-report.js';
import { DebugReporter } from '../report/debug-reporter.js';
import { JsonlReporter } from '../report/jsonl-reporter.js';
import { PushgatewayReporter } from '../report/pushgateway-reporter.js';
import type { Reporter } from '../report/reporter.js';
import { summaryTable } from '../report/summary-table.js';
import { TerminalReporter, type TerminalStream } from '../report/terminal-reporter.js';
import { inertFields, loadScenarioFile, type LoadTestScenario } from '../scenario/index.js';
import type { LoadtestRunConfig } from './loadtest-run-config.js';
import { planOf, scenarioUsers } from './plan-from-scenario.js';
import { setUpTenants, type TenantSetup } from './tenant-keys.js';

export interface RunIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Where the live view goes; default: a stream writing through `err`. */
  terminal?: TerminalStream;
  isTTY: boolean;
  signal: AbortSignal;
}

export interface LoadTestOutcome {
  exitCode: 0 | 1 | 2;
  result: RunResult;
  run: SerializedRun;
  plan: RunPlan;
  htmlPath: string | null;
}

/** The document `--json` writes: the worker's mergeable run plus its human-facing result. */
export interface RunFile extends SerializedRun {
  result: RunResult;
}

/**
 * Exit status: 2 when nothing succeeded, 1 when the run was aborted on maxErrorRate or its error rate ended above
 * it (or above one half without a limit, the seed's "more than half failed"), else 0.
 */
export function exitCodeOf(r: RunResult, maxErrorRate: number | null): 0 | 1 | 2 {
  const rep = r.report;
  if (rep.requests.ok === 0) return 2;
  if (r.stopReason === 'maxErrorRate' || r.stopReason === 'stopOnErrors' || r.stopReason === 'error')
    return 1;
  return rep.errorRate > (maxErrorRate ?? 0.5) ? 1 : 0;
}

/** Writes a JSON output: `-` prints it on one line, a path gets it indented (folders created). */
export async function writeJsonOutput(
  path: string,
  value: unknown,
  out: (line: string) => void,
): Promise<void> {
  if (path === '-') {
    out(JSON.stringify(value));
    return;
  }
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, JSON.stringify(value, null, 2));
}

/** Time between pushes (ms) when neither the flags nor the scenario say: the original hard-codes 10 s. */
const DEFAULT_PUSH_INTERVAL_MS = 10_000;

function reportersOf(
  cfg: LoadtestRunConfig,
  scenario: LoadTestScenario | null,
  plan: RunPlan,
  io: RunIo,
): Reporter[] {
  const reporters: Reporter[] = [];
  if (cfg.progress)
    reporters.push(
      new TerminalReporter({
        stream: io.terminal ?? { write: (s) => (io.err(s.replace(/\n$/, '')), true) },
        isTTY: io.isTTY,
      }),
    );
  const metrics = scenario?.spec.metrics;
  const pushgateway = cfg.pushgateway ?? metrics?.pushgatewayUrl;
  if (pushgateway)
    reporters.push(
      new PushgatewayReporter({
        url: pushgateway,
        intervalMs:
          cfg.pushInterval ??
          (metrics?.exportInterval !== undefined ? metrics.exportInterval * 1000 : DEFAULT_PUSH_INTERVAL_MS),
        testRunId: plan.testRunId,
        workerId: plan.workerId,
      }),
    );
  if (cfg.jsonl) reporters.push(new JsonlReporter(cfg.jsonl));
  if (cfg.debug || scenario?.spec.advanced?.debug === true) reporters.push(new DebugReporter(io.err));
  return reporters;
}

/**
 * Closes every reporter, even after one fails to (a --jsonl file that could not be written), so that the others
 * finish and the tenants are still deleted afterwards; returns the first failure, or null.
 */
async function closeReporters(reporters: readonly Reporter[]): Promise<unknown> {
  let first: unknown = null;
  for (const r of reporters)
    try {
      await r.close?.();
    } catch (err) {
      first ??= err;
    }
  return first;
}

/** `llmops loadtest run`: scenario + flags → bootstrap → load → cleanup → outputs. */
export async function runLoadTest(
  cfg: LoadtestRunConfig,
  scenarioSource: string | LoadTestScenario | undefined,
  io: RunIo,
): Promise<LoadTestOutcome> {
  const source = scenarioSource ?? cfg.scenario;
  const scenario: LoadTestScenario | null =
    source === undefined ? null : typeof source === 'string' ? await loadScenarioFile(source) : source;
  const users = scenario ? scenarioUsers(scenario) : (cfg.users ?? cfg.concurrency ?? 1);
  const plan = planOf(cfg, scenario, users);
  const say = (line: string): void => io.err(line);
  const inert = scenario ? inertFields(scenario) : [];
  if (inert.length > 0) say(`scenario: accepted but not acted on: ${inert.join(', ')}`);
  const reporters = reportersOf(cfg, scenario, plan, io);
  let tenants: TenantSetup | undefined;
  let execution: Execution;
  try {
    for (const r of reporters) r.onPhase?.('bootstrapping');
    tenants = await setUpTenants(cfg, scenario, plan, say, io.signal);
    const keys = tenants.keys;
    execution = await executePlan(plan, {
      reporters,
      signal: io.signal,
      ...(keys ? { keyFor: (u: number) => keys.keyFor(u) } : {}),
    });
  } catch (err) {
    await closeReporters(reporters);
    await tenants?.cleanup(say);
    throw err;
  }
  const closeError = await closeReporters(reporters);
  await tenants?.cleanup(say);
  const { run, result } = execution;
  // `--json -` owns standard output, so that it can be piped to a JSON reader; the summary moves to stderr.
  const summaryTo = cfg.json === '-' ? io.err : io.out;
  if (!cfg.progress) for (const line of summaryTable(result)) summaryTo(line);
  if (cfg.json) {
    const file: RunFile = { ...run, result };
    await writeJsonOutput(cfg.json, file, io.out);
  }
  const htmlPath = cfg.html ? await writeHtmlReport(cfg.html, result) : null;
  if (htmlPath) say(`HTML report: ${htmlPath}`);
  if (plan.dryRun) say(`dry run: ${describePlan(plan)}; no request was sent`);
  // A reporter that failed to close (a full disk under --jsonl) fails the run, once its results are written.
  if (closeError !== null) throw closeError;
  return {
    exitCode: plan.dryRun ? 0 : exitCodeOf(result, plan.limits.maxErrorRate),
    result,
    run,
    plan,
    htmlPath,
  };
}

/** One line on what a run would do: mode, load, users, test types, limits. */
export function describePlan(plan: RunPlan): string {
  const load =
    plan.mode === 'constant' || plan.mode === 'poisson'
      ? `${plan.rate} req/s`
      : plan.mode === 'concurrency'
        ? `${plan.concurrency} in flight`
        : plan.mode === 'sweep' && plan.sweep
          ? `${plan.sweep.startRate}→${plan.sweep.endRate} req/s in ${plan.sweep.steps} steps`
          : plan.users.pattern
            ? `load pattern of ${plan.users.pattern.length} phases up to ${patternPeakUsers(plan.users.pattern)} users`
            : `${plan.users.count} users`;
  const types = plan.testTypes.map((t) => `${t.name} ${t.weight}%`).join(', ');
  const limits = Object.entries(plan.limits)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} ${String(v)}`);
  return (
    `${plan.mode} mode, ${load}, against ${plan.target.baseUrl}${plan.target.chatPath}; test types ${types}` +
    (limits.length > 0 ? `; limits ${limits.join(', ')}` : '')
  );
}
