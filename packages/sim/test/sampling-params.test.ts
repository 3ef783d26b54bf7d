import type { RunningSimLlm } from '@llmops/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSim } from './start-test-sim.js';

let sim: RunningSimLlm;

beforeAll(async () => {
  sim = await startTestSim({ zeroDelay: true });
});
afterAll(() => sim.close());

interface Answer {
  status: number;
  error?: { message: string; type: string; param: string | null; code: string };
}

async function post(path: string, body: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { error?: Answer['error'] };
  return { status: res.status, error: json.error };
}

const routes = [
  ['/v1/chat/completions', { model: 'sim-small', messages: [{ role: 'user', content: 'hi' }] }],
  ['/v1/completions', { model: 'sim-small', prompt: 'hi' }],
] as const;

describe.each(routes)("sampling parameters vLLM's SamplingParams refuses (%s)", (path, base) => {
  it.each([
    [{ max_tokens: 0 }, 'max_tokens', 'max_tokens must be at least 1, got 0.'],
    [{ stop: ['ok', ''] }, 'stop', 'stop cannot contain an empty string.'],
    [{ stop: '' }, 'stop', 'stop cannot contain an empty string.'],
    [{ n: 2, temperature: 0 }, 'n', 'n must be 1 when using greedy sampling, got 2.'],
    // vLLM's request validator, before sampling: stream options need a stream.
    [
      { stream_options: { include_usage: true } },
      'stream_options',
      'Stream options can only be defined when `stream=True`.',
    ],
  ])('refuses %j with a 400 naming %s, in its wording', async (extra, param, message) => {
    const a = await post(path, { ...base, ...extra });
    expect(a.status).toBe(400);
    expect(a.error).toEqual({ message, type: 'invalid_request_error', param, code: 'invalid_parameter' });
  });

  it('accepts their neighbours: max_tokens 1, a non-empty stop, n > 1 when sampling, greedy n = 1', async () => {
    for (const extra of [
      { max_tokens: 1 },
      { stop: ['x'] },
      { n: 2, temperature: 0.5 },
      { n: 1, temperature: 0 },
    ])
      expect((await post(path, { ...base, max_tokens: 2, ...extra })).status, JSON.stringify(extra)).toBe(
        200,
      );
  });
});
