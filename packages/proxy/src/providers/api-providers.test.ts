import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInProvider, endpointAllowed, loadApiProvider } from './api-providers.js';

describe('allowed endpoints', () => {
  const p = builtInProvider('http://upstream.test');

  it('match by prefix, as the original, with any query string already cut off', () => {
    expect(endpointAllowed(p, '/v1/chat/completions')).toBe(true);
    expect(endpointAllowed(p, '/v1/models/gpt-4.1-mini')).toBe(true);
    expect(endpointAllowed(p, '/v1/models/meta-llama%2FLlama-3.1-8B')).toBe(true);
    expect(endpointAllowed(p, '/v1/fine-tunes')).toBe(false);
  });

  it('refuse a path that climbs out of its allowed prefix with dot segments, plain or percent-encoded', () => {
    // Forwarded verbatim with the project's upstream key, an upstream that normalizes the path would serve
    // /manage/projects; the original's Go mux cleaned such paths before matching.
    for (const path of [
      '/v1/models/../../manage/projects',
      '/v1/chat/completions/..',
      '/v1/models/./x',
      '/v1/models/%2e%2e/%2E%2E/admin',
      '/v1/models/..%2f..%2fadmin',
      '/v1/models/..\\..\\admin',
      '/v1/models/%zz',
    ]) {
      expect(endpointAllowed(p, path), path).toBe(false);
    }
  });
});

describe('choosing the provider of api_providers.yaml', () => {
  const file = (text: string): { path: string; done: () => void } => {
    const dir = mkdtempSync(join(tmpdir(), 'llmops-providers-'));
    const path = join(dir, 'api_providers.yaml');
    writeFileSync(path, text);
    return { path, done: () => rmSync(dir, { recursive: true, force: true }) };
  };
  const provider = (name: string): string =>
    `  ${name}:\n    base_url: http://${name}.test\n    allowed_endpoints: [/v1/models]\n    allowed_methods: [GET]\n`;

  it("falls back to the file's default_api when DEFAULT_API_PROVIDER names none of its providers, as the original", async () => {
    // DEFAULT_API_PROVIDER defaults to openai: a file without an openai provider is still served.
    const f = file(`default_api: vllm\napis:\n${provider('vllm')}`);
    try {
      expect((await loadApiProvider(f.path, 'openai', false))?.name).toBe('vllm');
    } finally {
      f.done();
    }
  });

  it('takes DEFAULT_API_PROVIDER over default_api when the file has it, and refuses a name it cannot resolve', async () => {
    const f = file(`default_api: vllm\napis:\n${provider('vllm')}${provider('openai')}`);
    const g = file(`apis:\n${provider('vllm')}`);
    try {
      expect((await loadApiProvider(f.path, 'openai', false))?.baseUrl).toBe('http://openai.test');
      await expect(loadApiProvider(g.path, 'openai', false)).rejects.toThrow(/no provider "openai"/);
    } finally {
      f.done();
      g.done();
    }
  });
});
