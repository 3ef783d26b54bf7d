import { describe, expect, it } from 'vitest';
import { builtInProvider, endpointAllowed } from './api-providers.js';

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
