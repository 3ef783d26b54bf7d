import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunMetrics } from '../metrics/run-metrics.js';
import type { SerializedRun, WorkerMeta } from '../metrics/run-result.js';
import { mergeRunFiles } from './merge-runs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const meta = (workerId: string): WorkerMeta => ({
  testRunId: 'test-1',
  workerId,
  shard: { index: 0, count: 2 },
  scenario: 's',
  mode: 'constant',
  target: 'http://127.0.0.1:1',
  startedAt: 0,
  endedAt: 1_000,
  requestedRate: 1,
  concurrency: null,
  users: 1,
  stopReason: 'completed',
});

/** Writes each document to its own file and returns the paths. */
function files(...docs: unknown[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'llmops-merge-'));
  dirs.push(dir);
  return docs.map((doc, i) => {
    const path = join(dir, `worker-${i}.json`);
    writeFileSync(path, JSON.stringify(doc));
    return path;
  });
}

const run = (workerId: string): SerializedRun => ({
  kind: 'llmops-loadtest-run',
  v: 1,
  workers: [meta(workerId)],
  metrics: new RunMetrics().toJSON(),
  sweep: null,
});

describe('mergeRunFiles', () => {
  it('names the file whose metrics are damaged, among several', async () => {
    const { counters: _dropped, ...noCounters } = new RunMetrics().toJSON();
    const paths = files(run('w0'), { ...run('w1'), metrics: noCounters }, run('w2'));
    await expect(mergeRunFiles(paths)).rejects.toThrow(`${paths[1]}: not a valid llmops load-test run file`);
  });

  it('names the file whose worker list is damaged', async () => {
    const paths = files(run('w0'), { ...run('w1'), workers: [null] });
    await expect(mergeRunFiles(paths)).rejects.toThrow(`${paths[1]}: not a valid llmops load-test run file`);
  });

  it('merges sound files', async () => {
    const r = await mergeRunFiles(files(run('w0'), run('w1')));
    expect(r.workers.map((w) => w.workerId)).toEqual(['w0', 'w1']);
  });
});
