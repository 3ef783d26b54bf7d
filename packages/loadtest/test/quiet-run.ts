// Helpers shared by the load-test integration tests: run a scenario file quietly, read the per-request JSONL.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

export interface ScenarioParts {
  /** The chat endpoint (tenants are not bootstrapped: `bootstrapApi: none`). */
  url: string;
  /** Simulated users, all in one organization. */
  users: number;
  /** Lines under `spec.userBehavior`. */
  userBehavior: readonly string[];
  /** More entries of `spec.targets`, e.g. `headers: { … }`. */
  targets?: string;
  /** More lines under `spec` (limits, testTypes, loadPattern, …). */
  spec: readonly string[];
}

/** Writes a one-organization LoadTestScenario to `dir/name.yaml` and returns its path. */
export function writeScenario(dir: string, name: string, p: ScenarioParts): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'apiVersion: loadtest.ai-aas.dev/v1',
      'kind: LoadTestScenario',
      `metadata: { name: ${name} }`,
      'spec:',
      '  organizations: { count: 1 }',
      `  users: { perOrg: { min: ${p.users}, max: ${p.users} } }`,
      '  userBehavior:',
      ...p.userBehavior.map((l) => `    ${l}`),
      `  targets: { apiRouterUrl: "${p.url}", bootstrapApi: none${p.targets ? `, ${p.targets}` : ''} }`,
      ...p.spec.map((l) => `  ${l}`),
    ].join('\n'),
  );
  return file;
}
