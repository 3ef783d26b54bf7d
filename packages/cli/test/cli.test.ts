import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleRuns } from '../../loadtest/test/fixtures/sample-run.js';
import { CLI_BIN, spawnServer } from '../../../test-support/spawn-cli.js';

function llmops(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the llmops binary', () => {
  it('prints its version', () => {
    const r = llmops(['--version']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(
      JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version,
    );
  });

  it('lists its commands in --help and each command has its own --help with env equivalents', () => {
    const top = llmops(['--help']);
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/start/);
    expect(top.out).toMatch(/sim/);
    // Every group says what it is for, not just "<group> commands".
    for (const group of [[], ['manage'], ['loadtest'], ['sim']])
      expect(llmops([...group, '--help']).out).not.toMatch(/ commands\s*$/m);
    const sim = llmops(['sim', 'llm', '--help']);
    expect(sim.code).toBe(0);
    expect(sim.out).toMatch(/--port <port>/);
    expect(sim.out).toMatch(/SIM_PORT/);
    expect(sim.out).toMatch(/--host <host>/);
  });

  it('loadtest merge --json - writes only the JSON on standard output (the summary goes to standard error)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmops-merge-'));
    try {
      const files = sampleRuns({ rateScale: 0.1 }).map((run, i) => {
        const f = join(dir, `w${i}.json`);
        writeFileSync(f, JSON.stringify(run));
        return f;
      });
      const r = llmops(['loadtest', 'merge', ...files, '--json', '-']);
      expect(r.code).toBe(0);
      expect((JSON.parse(r.out) as { report: unknown }).report).toBeDefined();
      expect(r.err).toMatch(/^Requests$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports every bad option at once, naming each key, and exits 2', () => {
    const r = llmops(['sim', 'llm', '--port', 'eighty', '--time-scale', '-3'], {
      SIM_SEED: 'x',
      SIM_FAULTS: 'meteor=0.1',
    });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--port.*"eighty"/);
    expect(r.err).toMatch(/--time-scale/);
    expect(r.err).toMatch(/SIM_SEED/);
    expect(r.err).toMatch(/SIM_FAULTS.*meteor/);
  });

  it('reports unknown keys in a config file with a suggestion', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmops-cli-'));
    try {
      const file = join(dir, 'sim.yaml');
      writeFileSync(file, 'prot: 9000\nseed: 3\n');
      const r = llmops(['sim', 'llm', '--config', file]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/prot/);
      expect(r.err).toMatch(/port/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never echoes a secret it rejects', () => {
    const r = llmops(['sim', 'llm', '--api-key', ''], { SIM_PORT: 'nope' });
    expect(r.code).toBe(2);
    const r2 = llmops(['sim', 'llm', '--port', 'x', '--api-key', 'sk-very-secret-value-123']);
    expect(r2.err).not.toContain('sk-very-secret-value-123');
  });

  it('keeps the README tables in step with the command table', () => {
    const readme = new URL('../../../README.md', import.meta.url).pathname;
    const r = llmops(['docs', '--check', readme]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('server commands', () => {
  it('print their URL when ready and exit 0 on SIGTERM', async () => {
    const s = await spawnServer(['sim', 'llm', '--port', '0']);
    const health = await fetch(`${s.url}/health`);
    expect(health.status).toBe(200);
    expect(await s.stop()).toBe(0);
  });

  it('llmops start serves simulator and gateway, with a demo token that works and survives a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'llmops-start-'));
    const start = (...more: string[]) =>
      spawnServer(
        ['start', '--sim-port', '0', '--proxy-port', '0', '--data-dir', dataDir, ...more],
        {},
        30_000,
      );
    try {
      // The first start also runs its (shortened) demo load test through the gateway.
      let s = await start('--demo-load-duration', '3s');
      const out = s.output();
      const report = /report: (\S+\.html)/.exec(out)?.[1] as string;
      expect(report).toBe(join(dataDir, 'reports', 'demo-load.html'));
      expect(readFileSync(report, 'utf8')).toContain('data-chart="latency-cdf"');
      expect(out).toMatch(/Demo load test: [1-9]\d* ok, 0 errors/);
      expect(out).toMatch(/bootstrap: created 2 organizations, 10 users, 10 keys/);
      const token = /Demo token \(project "demo"\):\s+(sk-\S+)/.exec(out)?.[1] as string;
      expect(token).toMatch(/^sk-[A-Za-z0-9_-]{22}$/);
      const gateway = /Gateway:\s+(http:\/\/\S+)/.exec(out)?.[1] as string;
      expect(out).toContain(`curl -sN ${gateway}/v1/chat/completions`);
      expect(out).toContain(`new OpenAI({ baseURL: '${gateway}/v1', apiKey: '${token}' })`);
      const r = await fetch(`${gateway}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'llm-prod',
          max_tokens: 4,
          messages: [{ role: 'user', content: 'Hello!' }],
        }),
      });
      expect(r.status).toBe(200);
      expect(await s.stop()).toBe(0);
      s = await start('--no-demo-load');
      expect(s.output()).toContain(token);
      expect(s.output()).not.toContain('demo load test');
      expect(await s.stop()).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
