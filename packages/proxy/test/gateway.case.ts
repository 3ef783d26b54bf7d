import { readFileSync } from 'node:fs';
import { createServer, get as httpGet, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '@llmops/proxy';
import {
  ENCRYPTION_KEY,
  MANAGEMENT_TOKEN,
  startGateway as startWith,
  streamTokens,
  UPSTREAM_KEY,
  type Gateway,
} from './gateway-harness.js';

/**
 * The gateway's behaviour end to end, run once per way it reads /v1 requests (gateway.test.ts: INBOUND_HTTP=lean,
 * the default; gateway-node-server.test.ts: node). Every gateway the suite starts uses that setting.
 */
export function gatewaySuite(inboundHttp: 'lean' | 'node'): void {
  const startGateway = (opts: Parameters<typeof startWith>[0] = {}): Promise<Gateway> =>
    startWith({ ...opts, proxy: { inboundHttp, ...opts.proxy } });

  let gw: Gateway;
  let token: string;
  let client: OpenAI;

  beforeAll(async () => {
    // The simulator demands the project's upstream key: proof that the gateway injects it.
    gw = await startGateway({ sim: { apiKey: UPSTREAM_KEY } });
    ({ token } = await gw.newToken());
    client = new OpenAI({ baseURL: `${gw.proxy.url}/v1`, apiKey: token, maxRetries: 0 });
  });
  afterAll(() => gw.close());

  const user = [{ role: 'user' as const, content: 'Hello through the gateway' }];

  describe('the gateway through the official openai client', () => {
    it('relays a chat completion with the upstream key injected', async () => {
      const r = await client.chat.completions.create({ model: 'sim-small', messages: user, max_tokens: 8 });
      expect(r.choices[0]?.message.content?.length).toBeGreaterThan(0);
      expect(r.usage?.completion_tokens).toBeGreaterThan(0);
    });

    it('relays a stream event by event, without the usage chunk the client did not ask for', async () => {
      expect(await streamTokens(client, 6)).toEqual({ tokens: 6, sawUsage: false });
    });

    it('sends the headers of a stream at once, before a slow first token', async () => {
      // The upstream pauses 400 ms before the first token: the client must have the headers well before it.
      const t0 = performance.now();
      const res = await request(`${gw.proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'x-sim-fault': 'stall;after=0;ms=400',
        },
        body: JSON.stringify({ model: 'sim-small', messages: user, max_tokens: 3, stream: true }),
      });
      const tHeaders = performance.now();
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/event-stream');
      let tFirst: number | undefined;
      let text = '';
      for await (const chunk of res.body) {
        tFirst ??= performance.now();
        text += String(chunk);
      }
      expect(text).toContain('data: [DONE]');
      expect(tHeaders - t0).toBeLessThan(300);
      expect((tFirst as number) - tHeaders).toBeGreaterThan(150);
    });

    it('keeps the usage chunk when the client asked for it', async () => {
      const stream = await client.chat.completions.create({
        model: 'sim-small',
        messages: user,
        max_tokens: 4,
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const c of stream) if (c.usage) usage = c.usage;
      expect(usage?.completion_tokens).toBeGreaterThan(0);
    });

    it('relays embeddings and models', async () => {
      const e = await client.embeddings.create({ model: 'sim-embed', input: 'x', dimensions: 8 });
      expect(e.data[0]?.embedding).toHaveLength(8);
      const models = await client.models.list();
      expect(models.data.map((m) => m.id)).toContain('sim-small');
    });

    it('passes upstream errors through unchanged', async () => {
      const err = await client.chat.completions
        .create({ model: 'no-such-model', messages: user })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    });

    it('answers its own failures in the OpenAI envelope with stable codes', async () => {
      const missing = await fetch(`${gw.proxy.url}/v1/models`);
      expect(missing.status).toBe(401);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('missing_token');
      const bad = new OpenAI({ baseURL: `${gw.proxy.url}/v1`, apiKey: 'not-a-token', maxRetries: 0 });
      expect(((await bad.models.list().catch((e: unknown) => e)) as { code: string }).code).toBe(
        'invalid_token',
      );
      const unknown = new OpenAI({
        baseURL: `${gw.proxy.url}/v1`,
        apiKey: 'sk-AAAAAAAAAAAAAAAAAAAAAA',
        maxRetries: 0,
      });
      expect(((await unknown.models.list().catch((e: unknown) => e)) as { code: string }).code).toBe(
        'token_not_found',
      );
      const res = await fetch(`${gw.proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"model":',
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
      const notAllowed = await fetch(`${gw.proxy.url}/v1/fine-tunes`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(notAllowed.status).toBe(404);
      expect(((await notAllowed.json()) as { error: { code: string } }).error.code).toBe(
        'endpoint_not_found',
      );
      const method = await fetch(`${gw.proxy.url}/v1/models`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(method.status).toBe(405);
    });

    it('refuses a path that climbs out of an allowed endpoint instead of sending it upstream', async () => {
      // fetch would resolve the dots itself; node:http sends the path as written.
      const { port } = new URL(gw.proxy.url);
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpGet(
          {
            host: '127.0.0.1',
            port,
            path: '/v1/models/../../manage/projects',
            headers: { authorization: `Bearer ${token}` },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
      });
      expect(answer.status).toBe(404);
      expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe('endpoint_not_found');
    });

    /** Sends a chunked body without end (up to 16 MB): the answer's status and whether the gateway hung up. */
    async function endlessBody(url: string, auth: string): Promise<{ status: string; closed: boolean }> {
      const socket = connect(Number(new URL(url).port), '127.0.0.1');
      let answer = '';
      socket.setEncoding('latin1');
      socket.on('data', (d: string) => (answer += d));
      socket.on('error', () => {});
      const closed = new Promise<void>((r) => socket.once('close', () => r()));
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n${auth}` +
          'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      );
      const piece = `4000\r\n${'x'.repeat(0x4000)}\r\n`;
      for (let sent = 0; sent < 16 * 1024 * 1024 && !socket.destroyed; sent += piece.length) {
        if (!socket.write(piece)) await new Promise((r) => socket.once('drain', r).once('close', r));
      }
      const outcome = await Promise.race([
        closed.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 2000)),
      ]);
      socket.destroy();
      return { status: /^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1] ?? answer, closed: outcome };
    }

    it('answers body too large with 413', async () => {
      const small = await startGateway({ proxy: { maxRequestSize: 2048 } });
      try {
        const t = await small.newToken();
        const res = await fetch(`${small.proxy.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'sim-small',
            messages: [{ role: 'user', content: 'x'.repeat(5000) }],
          }),
        });
        expect(res.status).toBe(413);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
        // A chunked body has no length to refuse up front: after the 413 the gateway reads a bounded amount of
        // what keeps coming, then closes the connection, rather than reading (and discarding) it forever.
        // So is an endless body the gateway refuses before reading it (no token here).
        expect(await endlessBody(small.proxy.url, `Authorization: Bearer ${t.token}\r\n`)).toMatchObject({
          status: '413',
          closed: true,
        });
        expect(await endlessBody(small.proxy.url, '')).toMatchObject({ status: '401', closed: true });
      } finally {
        await small.close();
      }
    });

    it('reports upstream unreachable as 502 and a slow upstream as 504', async () => {
      const dead = await startGateway({
        proxy: { openaiApiUrl: 'http://127.0.0.1:9', requestTimeout: '300ms' },
      });
      try {
        const t = await dead.newToken();
        const c = new OpenAI({ baseURL: `${dead.proxy.url}/v1`, apiKey: t.token, maxRetries: 0 });
        const e = (await c.models.list().catch((x: unknown) => x)) as { status: number; code: string };
        expect([e.status, e.code]).toEqual([502, 'upstream_unreachable']);
      } finally {
        await dead.close();
      }
      const slow = await startGateway({ proxy: { requestTimeout: '200ms' } });
      try {
        const t = await slow.newToken();
        const res = await fetch(`${slow.proxy.url}/v1/chat/completions`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${t.token}`,
            'content-type': 'application/json',
            'x-sim-fault': 'slow_first_byte;ms=1500',
          },
          body: JSON.stringify({ model: 'sim-small', messages: user }),
        });
        expect(res.status).toBe(504);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_timeout');
      } finally {
        await slow.close();
      }
    });
  });

  describe('client disconnects', () => {
    it('abort the upstream request', async () => {
      const ac = new AbortController();
      const res = await fetch(`${gw.proxy.url}/v1/chat/completions`, {
        method: 'POST',
        signal: ac.signal,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'x-sim-fault': 'stall;after=2;ms=3000',
        },
        body: JSON.stringify({
          model: 'sim-small',
          stream: true,
          max_tokens: 20,
          ignore_eos: true,
          messages: user,
        }),
      });
      const requestId = res.headers.get('x-request-id') as string;
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      ac.abort();
      // The simulator records 499 when its client (the gateway) goes away before the answer is complete.
      let status = 0;
      for (let i = 0; i < 50 && status !== 499; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const timelines = (await (await fetch(`${gw.sim.url}/sim/requests?limit=50`)).json()) as {
          data: Array<{ status: number; fault: string | null }>;
        };
        status = timelines.data.filter((t) => t.fault === 'stall').at(-1)?.status ?? 0;
      }
      expect(requestId).toBeTruthy();
      expect(status).toBe(499);
    });

    it('before the answer starts: upstream aborted, the request recorded as 499, nothing left in flight', async () => {
      const t = await gw.newToken();
      const requestId = `leaves-early-${Date.now()}`;
      const ac = new AbortController();
      const sent = fetch(`${gw.proxy.url}/v1/chat/completions`, {
        method: 'POST',
        signal: ac.signal,
        headers: {
          authorization: `Bearer ${t.token}`,
          'content-type': 'application/json',
          'x-request-id': requestId,
          'x-sim-fault': 'slow_first_byte;ms=3000',
        },
        body: JSON.stringify({ model: 'sim-small', max_tokens: 4, messages: user }),
      });
      await new Promise((r) => setTimeout(r, 150));
      ac.abort();
      await expect(sent).rejects.toThrow();
      const inFlight = async () => {
        const text = await (await fetch(`${gw.proxy.url}/metrics/prometheus`)).text();
        return Number(/^llmops_proxy_requests_in_flight (\d+)/m.exec(text)?.[1]);
      };
      type Event = { request_id: string; outcome: string; metadata: string | Record<string, unknown> };
      const events = await gw.proxyAudit<Event>(t.projectId, 1);
      expect(events).toHaveLength(1);
      const ev = events[0] as Event;
      const meta =
        typeof ev.metadata === 'string' ? (JSON.parse(ev.metadata) as Record<string, unknown>) : ev.metadata;
      expect(ev.request_id).toBe(requestId);
      expect(meta['status']).toBe(499);
      expect(await inFlight()).toBe(0);
      // The gateway closed its upstream request: the simulator saw its client go before the answer.
      const timelines = (await (await fetch(`${gw.sim.url}/sim/requests?limit=50`)).json()) as {
        data: Array<{ status: number; fault: string | null }>;
      };
      expect(timelines.data.filter((x) => x.fault === 'slow_first_byte').at(-1)?.status).toBe(499);
    });
  });

  describe('virtual tokens', () => {
    it('lets exactly max_requests of 200 concurrent requests through', async () => {
      const t = await gw.newToken({ maxRequests: 50 });
      const statuses = await Promise.all(
        Array.from({ length: 200 }, () =>
          fetch(`${gw.proxy.url}/v1/models`, { headers: { authorization: `Bearer ${t.token}` } }).then(
            async (r) => {
              await r.arrayBuffer();
              return r.status;
            },
          ),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(50);
      expect(statuses.filter((s) => s === 429)).toHaveLength(150);
    });

    it('stops a revoked token on the very next request', async () => {
      const t = await gw.newToken();
      const call = () =>
        fetch(`${gw.proxy.url}/v1/models`, { headers: { authorization: `Bearer ${t.token}` } });
      expect((await call()).status).toBe(200);
      expect((await gw.manage('DELETE', `/manage/tokens/${t.tokenId}`)).status).toBe(204);
      const after = await call();
      expect(after.status).toBe(401);
      expect(((await after.json()) as { error: { code: string } }).error.code).toBe('token_inactive');
    });

    it('stops every token of a deactivated project on the very next request', async () => {
      const t = await gw.newToken();
      const call = () =>
        fetch(`${gw.proxy.url}/v1/models`, { headers: { authorization: `Bearer ${t.token}` } });
      expect((await call()).status).toBe(200);
      expect((await gw.manage('PATCH', `/manage/projects/${t.projectId}`, { is_active: false })).status).toBe(
        200,
      );
      const after = await call();
      expect(after.status).toBe(403);
      expect(((await after.json()) as { error: { code: string } }).error.code).toBe('project_inactive');
    });

    it('refuses an expired token', async () => {
      const t = await gw.newToken({ minutes: 1 });
      const store = await openSqliteStore({ path: gw.dbPath });
      try {
        await store.db
          .updateTable('tokens')
          .set({ expires_at: '2000-01-01T00:00:00.000Z' })
          .where('id', '=', t.tokenId)
          .execute();
      } finally {
        await store.close();
      }
      await gw.manage('PATCH', `/manage/tokens/${t.tokenId}`, { is_active: true }); // any write drops the cache
      const r = await fetch(`${gw.proxy.url}/v1/models`, { headers: { authorization: `Bearer ${t.token}` } });
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('token_expired');
    });

    it('routes a project with its own upstream_url there', async () => {
      const other = await gw.sim.url; // same simulator, reached through a path prefix the gateway must keep
      const p = await gw.manage<{ id: string }>('POST', '/manage/projects', {
        name: `routed-${Date.now()}`,
        api_key: UPSTREAM_KEY,
        upstream_url: `${other}/`,
      });
      expect(p.status).toBe(201);
      const t = await gw.manage<{ token: string }>('POST', '/manage/tokens', {
        project_id: p.body.id,
        duration_minutes: 5,
      });
      const r = await fetch(`${gw.proxy.url}/v1/models`, {
        headers: { authorization: `Bearer ${t.body.token}` },
      });
      expect(r.status).toBe(200);
    });
  });

  describe('headers', () => {
    it('drops the headers a Connection header names, both ways, as hop-by-hop (RFC 9110 §7.6.1), and keeps the upstream request id', async () => {
      // An upstream that names a header of its own in Connection and echoes what it received.
      const upstream = createServer((req, res) => {
        res.writeHead(200, {
          'content-type': 'application/json',
          connection: 'keep-alive, x-hop-answer',
          'x-hop-answer': 'for the gateway only',
          'x-end-to-end': 'kept',
          'x-request-id': 'req_upstream0123',
        });
        res.end(JSON.stringify(req.headers));
      });
      await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
      try {
        const { port } = upstream.address() as AddressInfo;
        const p = await gw.manage<{ id: string }>('POST', '/manage/projects', {
          name: `hop-${Date.now()}`,
          api_key: UPSTREAM_KEY,
          upstream_url: `http://127.0.0.1:${port}`,
        });
        const t = await gw.manage<{ token: string }>('POST', '/manage/tokens', {
          project_id: p.body.id,
          duration_minutes: 5,
        });
        // node:http sends the Connection header as given (undici's fetch and request rewrite it).
        const { status, headers, body } = await new Promise<{
          status: number;
          headers: IncomingHttpHeaders;
          body: string;
        }>((resolve, reject) => {
          const req = httpGet(
            {
              host: '127.0.0.1',
              port: new URL(gw.proxy.url).port,
              path: '/v1/models',
              headers: {
                authorization: `Bearer ${t.body.token}`,
                connection: 'keep-alive, x-hop-request',
                'x-hop-request': 'for the gateway only',
                'x-end-to-end': 'kept',
              },
            },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (d: string) => (text += d));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
            },
          );
          req.on('error', reject);
        });
        expect(status).toBe(200);
        const seen = JSON.parse(body) as Record<string, string>;
        expect(seen['x-end-to-end']).toBe('kept');
        expect(seen['x-hop-request']).toBeUndefined();
        expect(headers['x-end-to-end']).toBe('kept');
        expect(headers['x-hop-answer']).toBeUndefined();
        // The gateway's request id for the client, the upstream's own kept beside it.
        expect(headers['x-request-id']).toBe(seen['x-request-id']);
        expect(headers['x-upstream-request-id']).toBe('req_upstream0123');
      } finally {
        upstream.close();
      }
    });
  });

  describe('secrets', () => {
    it('keeps neither the upstream key nor any token in clear in the SQLite file', async () => {
      const t = await gw.newToken();
      await fetch(`${gw.proxy.url}/v1/models`, { headers: { authorization: `Bearer ${t.token}` } });
      await new Promise((r) => setTimeout(r, 200));
      const bytes = [gw.dbPath, `${gw.dbPath}-wal`]
        .map((p) => {
          try {
            return readFileSync(p).toString('latin1');
          } catch {
            return '';
          }
        })
        .join('');
      expect(bytes.length).toBeGreaterThan(0);
      expect(bytes).not.toContain(UPSTREAM_KEY);
      expect(bytes).not.toContain(t.token);
      expect(bytes).not.toContain(t.token.slice(3));
      expect(bytes).toContain('enc:v1:');
    });

    it('never writes a secret to the log, even at trace level', async () => {
      const t = await gw.newToken();
      await fetch(`${gw.proxy.url}/v1/models`, { headers: { authorization: `Bearer ${t.token}` } });
      await fetch(`${gw.proxy.url}/v1/models`, {
        headers: { authorization: 'Bearer sk-wrongwrongwrongwrong00' },
      });
      await fetch(`${gw.proxy.url}/manage/projects`, {
        headers: { authorization: 'Bearer guessed-management-token' },
      });
      const logs = gw.logs();
      expect(logs).toContain('proxy request received');
      expect(logs).toContain('proxy started');
      for (const secret of [
        MANAGEMENT_TOKEN,
        UPSTREAM_KEY,
        ENCRYPTION_KEY,
        t.token,
        'sk-wrongwrongwrongwrong00',
        'guessed-management-token',
      ]) {
        expect(logs).not.toContain(secret);
      }
    });

    it('exposes no secret on /metrics', async () => {
      const prom = await (await fetch(`${gw.proxy.url}/metrics/prometheus`)).text();
      expect(prom).toContain('llmops_proxy_requests_total');
      expect(prom).toContain('llmops_proxy_overhead_seconds');
      expect(prom).toContain('llm_proxy_requests_total');
      expect(prom).not.toContain(UPSTREAM_KEY);
      expect(prom).not.toContain(MANAGEMENT_TOKEN);
    });
  });

  describe('client keep-alive', () => {
    /** One request on a raw connection; resolves with the answer's head and when the gateway closed it. */
    function idleAfterAnswer(url: string, token: string): Promise<{ head: string; idleMs: number }> {
      const { port } = new URL(url);
      return new Promise((resolve, reject) => {
        let text = '';
        let answeredAt = 0;
        const socket = connect(Number(port), '127.0.0.1', () =>
          socket.write(`GET /v1/models HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${token}\r\n\r\n`),
        );
        socket.setEncoding('latin1');
        socket.on('data', (d: string) => {
          text += d;
          if (answeredAt === 0 && text.includes('"data"')) answeredAt = performance.now();
        });
        socket.on('error', reject);
        socket.on('close', () =>
          resolve({
            head: text.slice(0, text.indexOf('\r\n\r\n') + 2),
            idleMs: performance.now() - answeredAt,
          }),
        );
      });
    }

    it('keeps an idle client connection 2 × REQUEST_TIMEOUT by default (60 s, as the original), not 5 s', async () => {
      const { port } = new URL(gw.proxy.url);
      const socket = connect(Number(port), '127.0.0.1');
      const head = await new Promise<string>((resolve, reject) => {
        let text = '';
        socket.on('connect', () =>
          socket.write(`GET /v1/models HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${token}\r\n\r\n`),
        );
        socket.setEncoding('latin1');
        socket.on('data', (d: string) => {
          text += d;
          if (text.includes('\r\n\r\n')) resolve(text);
        });
        socket.on('error', reject);
      });
      socket.destroy();
      expect(head.toLowerCase()).toContain('keep-alive: timeout=60\r\n');
    });

    it('closes an idle client connection after CLIENT_IDLE_TIMEOUT', async () => {
      const g = await startGateway({ proxy: { clientIdleTimeout: '1s' } });
      try {
        const t = await g.newToken();
        const r = await idleAfterAnswer(g.proxy.url, t.token);
        expect(r.head.toLowerCase()).toContain('keep-alive: timeout=1\r\n');
        // As node:http, a second past the advertised timeout (the lean path's sweep adds up to another second).
        expect(r.idleMs).toBeGreaterThanOrEqual(1900);
        expect(r.idleMs).toBeLessThan(4500);
      } finally {
        await g.close();
      }
    });
  });

  describe('audit and health', () => {
    it('records every proxied request with project, token id and usage, never the token', async () => {
      const t = await gw.newToken();
      const c = new OpenAI({ baseURL: `${gw.proxy.url}/v1`, apiKey: t.token, maxRetries: 0 });
      const stream = await c.chat.completions.create({
        model: 'sim-small',
        messages: user,
        max_tokens: 5,
        stream: true,
        ...({ ignore_eos: true } as object),
      });
      for await (const _ of stream) void _;
      await new Promise((r) => setTimeout(r, 300));
      const audit = await gw.manage<{
        events: Array<{
          token_id: string;
          project_id: string;
          client_ip: string;
          user_agent: string;
          metadata: string | Record<string, unknown>;
        }>;
      }>('GET', `/manage/audit?action=proxy_request&project_id=${t.projectId}`);
      expect(audit.body.events).toHaveLength(1);
      const ev = audit.body.events[0] as {
        token_id: string;
        client_ip: string;
        user_agent: string;
        metadata: string | Record<string, unknown>;
      };
      expect(JSON.stringify(ev)).not.toContain(t.token);
      const meta =
        typeof ev.metadata === 'string' ? (JSON.parse(ev.metadata) as Record<string, unknown>) : ev.metadata;
      expect(meta).toMatchObject({ model: 'sim-small', status: 200, stream: true, completion_tokens: 5 });
      expect(meta['ttft_ms']).toBeGreaterThan(0);
      // Who called: the TCP peer (no forwarding header here) and the client's User-Agent.
      expect(ev).toMatchObject({ client_ip: '127.0.0.1', user_agent: expect.stringMatching(/^OpenAI\/JS /) });
      // The original's actor for proxied requests, so `?actor=system` finds them.
      expect(ev).toMatchObject({ actor: 'system' });
    });

    it("audits at most 256 characters of a client's model name, however long the one it sent", async () => {
      const t = await gw.newToken();
      const model = `m${'x'.repeat(100_000)}`;
      const r = await fetch(`${gw.proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: user }),
      });
      expect(r.status).toBe(404); // the upstream has no such model, and says so unchanged
      const [ev] = await gw.proxyAudit<{ metadata: string | Record<string, unknown> }>(t.projectId, 1);
      const meta =
        typeof ev?.metadata === 'string'
          ? (JSON.parse(ev.metadata) as Record<string, unknown>)
          : ev?.metadata;
      expect(meta?.['model']).toBe(model.slice(0, 256));
    });

    it("keeps a client's well-formed request and correlation ids, and makes up a request id for a bad one", async () => {
      const t = await gw.newToken();
      const ask = async (requestId: string, correlationId: string) => {
        const r = await request(`${gw.proxy.url}/v1/models`, {
          headers: {
            authorization: `Bearer ${t.token}`,
            'x-request-id': requestId,
            'x-correlation-id': correlationId,
          },
        });
        await r.body.dump();
        expect(r.statusCode).toBe(200);
        return r.headers['x-request-id'] as string;
      };
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      expect(await ask('client-req-1', 'run-42')).toBe('client-req-1');
      // Empty, with a space, or past 200 characters: the gateway's own id, as the management API does.
      const made = [await ask('', 'run 42'), await ask('has space', ''), await ask('x'.repeat(201), 'y')];
      for (const id of made) expect(id).toMatch(uuid);
      const events = await gw.proxyAudit<{ request_id: string; correlation_id?: string }>(t.projectId, 4);
      const byId = new Map(events.map((e) => [e.request_id, e.correlation_id]));
      expect(byId.get('client-req-1')).toBe('run-42');
      // Every request has its record; a correlation id with a space is not kept (the API leaves the field out).
      expect(made.every((id) => byId.has(id))).toBe(true);
      expect(made.map((id) => byId.get(id) ?? null)).toEqual([null, null, 'y']);
    });

    it("records a forwarded client's address and user agent, as for management calls", async () => {
      const t = await gw.newToken();
      const r = await request(`${gw.proxy.url}/v1/models`, {
        headers: {
          authorization: `Bearer ${t.token}`,
          'x-forwarded-for': '203.0.113.7, 10.0.0.1',
          'user-agent': 'audit-test/1.0',
        },
      });
      await r.body.text();
      expect(r.statusCode).toBe(200);
      await new Promise((res) => setTimeout(res, 300));
      const audit = await gw.manage<{ events: Array<Record<string, unknown>> }>(
        'GET',
        `/manage/audit?action=proxy_request&project_id=${t.projectId}&client_ip=203.0.113.7`,
      );
      expect(audit.body.events).toHaveLength(1);
      expect(audit.body.events[0]).toMatchObject({ path: '/v1/models', user_agent: 'audit-test/1.0' });
    });

    it('relays prefix-cache usage untouched and records cached tokens in the audit and the metrics', async () => {
      const t = await gw.newToken();
      const c = new OpenAI({ baseURL: `${gw.proxy.url}/v1`, apiKey: t.token, maxRetries: 0 });
      const long = [
        { role: 'user' as const, content: 'A long shared preamble for the prefix cache. '.repeat(12) },
      ];
      await c.chat.completions.create({ model: 'sim-small', messages: long, max_tokens: 2 });
      const again = await c.chat.completions.create({ model: 'sim-small', messages: long, max_tokens: 2 });
      const cached = (again.usage as { prompt_tokens_details?: { cached_tokens?: number } })
        .prompt_tokens_details?.cached_tokens;
      expect(cached).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 300));
      const audit = await gw.manage<{ events: Array<{ metadata: string | Record<string, unknown> }> }>(
        'GET',
        `/manage/audit?action=proxy_request&project_id=${t.projectId}`,
      );
      const metas = audit.body.events.map((e) =>
        typeof e.metadata === 'string' ? (JSON.parse(e.metadata) as Record<string, unknown>) : e.metadata,
      );
      expect(metas.map((m) => m['cached_tokens']).sort()).toEqual([0, cached].sort());
      const prom = await (await fetch(`${gw.proxy.url}/metrics/prometheus`)).text();
      const line = prom
        .split('\n')
        .find((l) =>
          l.startsWith(
            `llmops_proxy_tokens_total{project="${t.projectId}",model="sim-small",type="cached_prompt"}`,
          ),
        );
      expect(Number(line?.split(' ').pop())).toBe(cached);
    });

    it('answers /live, /ready and /health', async () => {
      expect(await (await fetch(`${gw.proxy.url}/live`)).text()).toBe('alive');
      expect(await (await fetch(`${gw.proxy.url}/ready`)).text()).toBe('ready');
      expect(((await (await fetch(`${gw.proxy.url}/health`)).json()) as { status: string }).status).toBe(
        'ok',
      );
    });
  });
}
