import { getEventListeners } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quietUpstream } from '../../../test-support/quiet-upstream.js';
import { UpstreamClient, type ClientErrorClass, type UpstreamRequest } from '@llmops/core';
import { loadConfig } from '@llmops/core';
import { simLlmConfig, startSimLlm, type RunningSimLlm } from '@llmops/sim';

let sim: RunningSimLlm;
let client: UpstreamClient;

beforeAll(async () => {
  sim = await startSimLlm(loadConfig(simLlmConfig, { env: {}, flags: { port: 0, timeScale: 0.05 } }));
  client = new UpstreamClient({ timeouts: { firstByteMs: 5_000, idleMs: 5_000, totalMs: 20_000 } });
});
afterAll(async () => {
  await client.close();
  await sim.close();
});

function chat(
  extra: Partial<UpstreamRequest> & { fault?: string; stream?: boolean; maxTokens?: number } = {},
): UpstreamRequest {
  const { fault, stream = true, maxTokens = 10, ...rest } = extra;
  return {
    baseUrl: sim.url,
    path: '/v1/chat/completions',
    body: {
      model: 'sim-small',
      stream,
      stream_options: stream ? { include_usage: true } : undefined,
      max_tokens: maxTokens,
      ignore_eos: true,
      messages: [{ role: 'user', content: 'hi' }],
    },
    headers: fault ? { 'x-sim-fault': fault } : {},
    ...rest,
  };
}

async function classOf(req: UpstreamRequest): Promise<ClientErrorClass | null> {
  return (await client.measure(req)).errorClass;
}

describe('upstream client measurements', () => {
  it('measures a stream: usage tokens, TTFT before E2E, one gap per token after the first', async () => {
    const m = await client.measure(chat({ maxTokens: 12 }));
    expect(m.ok).toBe(true);
    expect(m.status).toBe(200);
    expect(m.outputTokens).toBe(12);
    expect(m.outputTokenSource).toBe('usage');
    expect(m.tokenChunks).toBe(12);
    expect(m.interTokenGaps).toHaveLength(11);
    expect(m.ttft).toBeGreaterThan(0);
    expect(m.e2e as number).toBeGreaterThan(m.ttft as number);
    expect(m.tpot).toBeCloseTo(((m.e2e as number) - (m.ttft as number)) / 11, 6);
    expect(m.requestId).toMatch(/^chatcmpl-/);
    expect(m.content.length).toBeGreaterThan(0);
  });

  it('measures a JSON answer without inventing a TTFT', async () => {
    const m = await client.measure(chat({ stream: false, maxTokens: 5 }));
    expect(m.ok).toBe(true);
    expect(m.streamed).toBe(false);
    expect(m.ttft).toBeNull();
    expect(m.e2e).toBeGreaterThan(0);
    expect(m.outputTokens).toBe(5);
    expect(m.promptTokenSource).toBe('usage');
  });

  it('counts from the write: waiting for a connection is blockedMs, not server latency', async () => {
    const one = new UpstreamClient({ connections: 1, timeouts: { totalMs: 20_000 } });
    try {
      // One connection: the second request waits for the first to finish before it is written.
      const [a, b] = await Promise.all([
        one.measure(chat({ maxTokens: 40 })),
        one.measure(chat({ maxTokens: 2 })),
      ]);
      expect(a.ok && b.ok).toBe(true);
      expect(a.blockedMs).toBeLessThan(a.e2e as number);
      expect(b.tSend).toBeGreaterThanOrEqual(a.tSend + (a.e2e as number));
      // b was called just after a was written, and was written only after a's last token: all of that is its
      // wait. (Not "≥ a.e2e": the lean client hands the connection over in the same read as a's end, so b's
      // write can follow a's last token by less than b's call followed a's write.)
      const bCalled = b.tSend - b.blockedMs;
      expect(bCalled).toBeLessThan(a.tSend + (a.ttft as number));
      expect(b.blockedMs).toBeGreaterThanOrEqual(a.tSend + (a.e2e as number) - bCalled);
      // The wait is not in b's latencies: its TTFT is the server's, like a's, far below the wait.
      expect(b.ttft as number).toBeLessThan((b.blockedMs - (a.ttft as number)) / 2);
    } finally {
      await one.close();
    }
  });

  it('parses JSON through json() and yields timed events through send().events()', async () => {
    const models = await client.json<{ data: unknown[] }>({ baseUrl: sim.url, path: '/v1/models' });
    expect(models.body.data.length).toBeGreaterThan(0);
    const res = await client.send(chat({ maxTokens: 3 }));
    const times: number[] = [];
    let last = '';
    for await (const ev of res.events()) {
      times.push(ev.t);
      last = ev.data;
    }
    expect(last).toBe('[DONE]');
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

describe('upstream client and a shared abort signal', () => {
  it('stops listening to the caller’s signal once each request is over (measure, json and send)', async () => {
    const ac = new AbortController();
    for (let i = 0; i < 5; i++) await client.measure(chat({ signal: ac.signal, maxTokens: 2 }));
    await client.json(chat({ signal: ac.signal, stream: false, maxTokens: 2 }));
    const res = await client.send(chat({ signal: ac.signal, maxTokens: 2 }));
    for await (const ev of res.events()) void ev;
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('still aborts a request in flight when the shared signal fires', async () => {
    const ac = new AbortController();
    const p = client.measure(chat({ signal: ac.signal, maxTokens: 200 }));
    setTimeout(() => ac.abort(), 30);
    expect((await p).errorClass).toBe('aborted');
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });
});

describe('upstream client error classes', () => {
  it('connect: nothing listens on the port', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    expect(await classOf({ ...chat(), baseUrl: `http://127.0.0.1:${port}` })).toBe('connect');
  });

  it('connect: the server resets the connection before answering', async () => {
    expect(await classOf(chat({ fault: 'reset' }))).toBe('connect');
  });

  it('rate_limited, http_5xx and http_4xx from the status', async () => {
    expect(await classOf(chat({ fault: '429' }))).toBe('rate_limited');
    expect(await classOf(chat({ fault: '500' }))).toBe('http_5xx');
    expect(await classOf(chat({ fault: '503' }))).toBe('http_5xx');
    const m = await client.measure({ ...chat(), body: { model: 'nope', messages: [] } });
    expect(m.errorClass).toBe('http_4xx');
    expect(m.errorMessage).toMatch(/messages|model/);
  });

  it('timeout_first_byte: headers slower than the first-byte timeout', async () => {
    expect(await classOf(chat({ fault: 'slow_first_byte;ms=800', timeouts: { firstByteMs: 200 } }))).toBe(
      'timeout_first_byte',
    );
  });

  it('timeout_idle: a stall longer than the idle timeout', async () => {
    expect(await classOf(chat({ fault: 'stall;after=2;ms=800', timeouts: { idleMs: 200 } }))).toBe(
      'timeout_idle',
    );
  });

  it('timeout_total: the whole request longer than the total timeout', async () => {
    expect(await classOf(chat({ fault: 'stall;after=2;ms=800', timeouts: { totalMs: 300 } }))).toBe(
      'timeout_total',
    );
  });

  it('stream_broken: the connection closes before [DONE]', async () => {
    const m = await client.measure(chat({ fault: 'cut;after=3' }));
    expect(m.errorClass).toBe('stream_broken');
    expect(m.tokenChunks).toBe(3);
  });

  it('invalid_json: a chunk that is not JSON', async () => {
    expect(await classOf(chat({ fault: 'malformed;after=2' }))).toBe('invalid_json');
    expect(await classOf(chat({ fault: 'malformed', stream: false }))).toBe('invalid_json');
  });

  it('invalid_content_type: an HTML page where a stream was asked for', async () => {
    expect(await classOf(chat({ fault: 'wrong_content_type' }))).toBe('invalid_content_type');
  });

  it('aborted: the caller aborts', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    expect(await classOf(chat({ fault: 'stall;after=1;ms=1000', signal: ac.signal }))).toBe('aborted');
  });
});

describe('idle pooled connections', () => {
  // vLLM's uvicorn closes an idle connection after 5 s, without a Keep-Alive header saying so: a user back from a
  // think time must not send on a connection being closed (the lost request would count as the server's error).
  it.concurrent.each(['lean', 'undici'] as const)(
    '%s: go after 4 s, before an upstream that does not say how long it keeps them',
    async (http) => {
      const upstream = await quietUpstream();
      const c = new UpstreamClient({ http });
      try {
        const m = await c.measure({ baseUrl: upstream.url, path: '/v1/models', method: 'GET' });
        expect(m.status).toBe(200);
        for (let i = 0; i < 60 && upstream.idleMs() < 0; i++) await new Promise((r) => setTimeout(r, 100));
        expect(upstream.idleMs()).toBeGreaterThanOrEqual(3_900);
        expect(upstream.idleMs()).toBeLessThan(5_000);
      } finally {
        await c.close();
        await upstream.close();
      }
    },
    10_000,
  );
});
