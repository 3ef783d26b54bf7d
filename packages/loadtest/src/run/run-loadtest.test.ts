import { loadConfig } from '@llmops/core';
import { describe, expect, it } from 'vitest';
import { loadtestRunConfig } from './loadtest-run-config.js';
import { runLoadTest } from './run-loadtest.js';

describe('runLoadTest outputs', () => {
  it('with --json - and no live view, keeps standard output to the JSON document alone', async () => {
    const cfg = loadConfig(loadtestRunConfig, {
      env: {},
      flags: {
        progress: false,
        dryRun: true,
        json: '-',
        url: 'http://127.0.0.1:9',
        model: 'm',
        mode: 'constant',
        rate: 1,
        duration: 1_000,
      },
    });
    const out: string[] = [];
    const err: string[] = [];
    await runLoadTest(cfg, undefined, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      isTTY: false,
      signal: new AbortController().signal,
    });
    expect(out).toHaveLength(1);
    expect((JSON.parse(out[0] ?? '') as { kind: string }).kind).toBe('llmops-loadtest-run');
    // The summary table still shows, on standard error.
    expect(err.join('\n')).toMatch(/^Load test /m);
  });
});
