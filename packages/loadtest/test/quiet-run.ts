// Helpers shared by the load-test integration tests: run a scenario file quietly, read the per-request JSONL.
import { readFileSync } from 'node:fs';
import { loadConfig } from '@llmops/core';
import { loadtestRunConfig, runLoadTest, type LoadTestOutcome, type RequestRecord } from '@llmops/loadtest';

/** Runs a scenario file (or flags alone) with the given flags, no progress output, and returns the outcome. */
export function quietRun(
  file: string | undefined,
  flags: Record<string, unknown> = {},
): Promise<LoadTestOutcome> {
  const cfg = loadConfig(loadtestRunConfig, { env: {}, flags: { progress: false, ...flags } });
  return runLoadTest(cfg, file, {
    out: () => {},
    err: () => {},
    isTTY: false,
    signal: new AbortController().signal,
  });
}

/** The records of a `--jsonl` file. */
export function readRecords(path: string): RequestRecord[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RequestRecord);
}
