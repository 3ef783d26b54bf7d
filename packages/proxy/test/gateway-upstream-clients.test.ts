import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
