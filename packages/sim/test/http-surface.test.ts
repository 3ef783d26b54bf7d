import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimLlm } from '@llmops/sim';
import { startTestSim } from './start-test-sim.js';

let sim: RunningSimLlm;

beforeAll(async () => {
  sim = await startTestSim({ zeroDelay: true });
});
afterAll(() => sim.close());

async function call(
  method: string,
  path: string,
): Promise<{ status: number; allow: string | null; body: unknown }> {
  const r = await fetch(`${sim.url}${path}`, { method });
  return { status: r.status, allow: r.headers.get('allow'), body: await r.json() };
}

describe('routes and methods', () => {
  it('answers 405 with Allow, in the OpenAI envelope, for a known path with the wrong method', async () => {
    for (const [method, path, allow] of [
      ['GET', '/v1/chat/completions', 'POST'],
      ['GET', '/v1/completions', 'POST'],
      ['GET', '/v1/embeddings', 'POST'],
      ['POST', '/v1/models', 'GET'],
      ['DELETE', '/health', 'GET'],
    ] as const) {
      const r = await call(method, path);
      expect({ method, path, status: r.status }).toEqual({ method, path, status: 405 });
      expect(r.allow).toContain(allow);
      expect(r.body).toMatchObject({ error: { code: 'method_not_allowed' } });
    }
  });

  it('answers 404 for a path it does not serve, whatever the method', async () => {
    expect((await call('GET', '/v1/nope')).status).toBe(404);
    expect((await call('POST', '/v1/nope')).status).toBe(404);
  });
});
