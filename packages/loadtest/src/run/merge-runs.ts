import { readFile } from 'node:fs/promises';
import { resultOf, type RunResult, type SerializedRun } from '../metrics/run-result.js';

/** Reads worker files (`--json` output of `llmops loadtest run`) and merges them into one run's result. */
export async function mergeRunFiles(paths: readonly string[]): Promise<RunResult> {
  if (paths.length === 0)
    throw new Error('give the worker result files to merge (the --json output of each worker)');
  const runs: SerializedRun[] = [];
  for (const p of paths) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(p, 'utf8'));
    } catch (err) {
      throw new Error(`${p}: not a readable JSON file (${err instanceof Error ? err.message : String(err)})`);
    }
    const run = parsed as Partial<SerializedRun>;
    if (run.kind !== 'llmops-loadtest-run' || run.v !== 1 || !run.metrics || !Array.isArray(run.workers))
      throw new Error(`${p}: not an llmops load-test run file (expected kind "llmops-loadtest-run", v 1)`);
    const one: SerializedRun = {
      kind: 'llmops-loadtest-run',
      v: 1,
      workers: run.workers,
      metrics: run.metrics,
      sweep: run.sweep ?? null,
    };
    // Read on its own first, so that a damaged file is named rather than failing the merge of all of them.
    try {
      resultOf([one]);
    } catch (err) {
      throw new Error(
        `${p}: not a valid llmops load-test run file (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    runs.push(one);
  }
  return resultOf(runs);
}
