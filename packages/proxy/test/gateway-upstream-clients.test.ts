import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quietUpstream } from '../../../test-support/quiet-upstream.js';
import { startGateway, streamTokens, UPSTREAM_KEY, type Gateway } from './gateway-harness.js';

// The gateway reaches plain-http upstreams through its own client by default (UPSTREAM_CLIENT=lean) and through
// undici on request, and reads /v1 requests on its own lean path by default (INBOUND_HTTP=lean) or node:http's:
// the same relay behaviour every way, through the official openai client.
describe.each([
  ['lean', 'lean'],
  ['undici', 'lean'],
  ['lean', 'node'],
] as const)('the gateway with UPSTREAM_CLIENT=%s and INBOUND_HTTP=%s', (upstreamClient, inboundHttp) => {
  let gw: Gateway;
  let client: OpenAI;
  beforeAll(async () => {
    gw = await startGateway({ sim: { apiKey: UPSTREAM_KEY }, proxy: { upstreamClient, inboundHttp } });
    const { token } = await gw.newToken();
    client = new OpenAI({ baseURL: `${gw.proxy.url}/v1`, apiKey: token, maxRetries: 0 });
  });
  afterAll(() => gw.close());
  const user = [{ role: 'user' as const, content: 'Hello through either client' }];

  it('relays JSON answers, streams (usage chunk stripped), embeddings and upstream errors', async () => {
    const r = await client.chat.completions.create({ model: 'sim-small', messages: user, max_tokens: 5 });
    expect(r.usage?.completion_tokens).toBe(5);
    expect(await streamTokens(client, 7)).toEqual({ tokens: 7, sawUsage: false });
    const e = await client.embeddings.create({ model: 'sim-embed', input: ['a', 'b'] });
    expect(e.data).toHaveLength(2);
    // Many requests over the pooled connections, several at once.
    const many = await Promise.all(
      Array.from({ length: 40 }, () =>
        client.chat.completions.create({ model: 'sim-small', messages: user, max_tokens: 3 }),
      ),
    );
    expect(many.every((m) => m.usage?.completion_tokens === 3)).toBe(true);
    const err = await client.chat.completions
      .create({ model: 'no-such-model', messages: user })
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

// vLLM's uvicorn closes an idle connection after 5 s without a Keep-Alive header: a client that keeps it longer
// sends, now and then, a request on a connection being closed, and a lost POST is never sent again.
describe.each(['lean', 'undici'] as const)(
  'UPSTREAM_CLIENT=%s and idle upstream connections',
  (upstreamClient) => {
    it('lets one go after UPSTREAM_KEEPALIVE_TIMEOUT when the upstream does not say how long it keeps it', async () => {
      const upstream = await quietUpstream();
      const gw = await startGateway({
        proxy: { upstreamClient, openaiApiUrl: upstream.url, upstreamKeepAliveTimeout: '300ms' },
      });
      try {
        const { token } = await gw.newToken();
        const r = await fetch(`${gw.proxy.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
        expect(r.status).toBe(200);
        await r.arrayBuffer();
        for (let i = 0; i < 150 && upstream.idleMs() < 0; i++)
          await new Promise((res) => setTimeout(res, 20));
        // The lean client's sweep runs every 100 ms; undici's timers are coarse too.
        expect(upstream.idleMs()).toBeGreaterThanOrEqual(250);
        expect(upstream.idleMs()).toBeLessThan(2500);
      } finally {
        await gw.close();
        await upstream.close();
      }
    });
  },
);
