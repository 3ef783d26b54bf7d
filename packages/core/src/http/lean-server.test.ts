import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { LeanResponse } from './lean-response.js';
import { attachLeanPath, type LeanPath, type LeanRequest } from './lean-server.js';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A raw client socket that reads answers one by one (Content-Length or chunked framing). */
class RawClient {
  private buf = '';
  private waiters: Array<() => void> = [];
  ended = false;
  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  send(text: string): void {
    this.socket.write(text, 'latin1');
  }

  async answer(timeoutMs = 3000): Promise<Answer> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const a = this.take();
      if (a !== undefined) return a;
      if (this.ended) throw new Error(`connection closed; unread: ${JSON.stringify(this.buf)}`);
      if (Date.now() > until) throw new Error(`no answer; got: ${JSON.stringify(this.buf)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  async closed(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < until) await sleep(20);
    return this.ended;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private take(): Answer | undefined {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = this.buf.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const c = l.indexOf(':');
      const name = l.slice(0, c).toLowerCase();
      headers[name] =
        headers[name] === undefined ? l.slice(c + 1).trim() : `${headers[name]}, ${l.slice(c + 1).trim()}`;
    }
    const status = Number(statusLine?.split(' ')[1]);
    let pos = end + 4;
    let body = '';
    if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const lineEnd = this.buf.indexOf('\r\n', pos);
        if (lineEnd < 0) return undefined;
        const size = parseInt(this.buf.slice(pos, lineEnd), 16);
        if (this.buf.length < lineEnd + 2 + size + 2) return undefined;
        body += this.buf.slice(lineEnd + 2, lineEnd + 2 + size);
        pos = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
    } else if (status !== 204 && status !== 304) {
      const len = Number(headers['content-length'] ?? 0);
      if (this.buf.length < pos + len) return undefined;
      body = this.buf.slice(pos, pos + len);
      pos += len;
    }
    this.buf = this.buf.slice(pos);
    return { status, headers, body };
  }
}

interface Harness {
  server: Server;
  lean: LeanPath;
  port: number;
  leanSeen: LeanRequest[];
  nodeSeen: string[];
  client(): Promise<RawClient>;
}

const servers: Server[] = [];
const clients: Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** node:http answers `node <method> <url> <body>`; the lean path calls `leanAnswer` (default: `lean …`). */
async function harness(
  leanAnswer: (req: LeanRequest, res: LeanResponse) => void = (req, res) =>
    res.end(`lean ${req.method} ${req.url} ${req.body.toString()}`),
  tune: (s: Server) => void = () => {},
): Promise<Harness> {
  const leanSeen: LeanRequest[] = [];
  const nodeSeen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      nodeSeen.push(`${req.method} ${req.url}`);
      res.end(`node ${req.method} ${req.url} ${body}`);
    });
  });
  tune(server);
  const lean = attachLeanPath(server, {
    prefix: '/v1/',
    maxBodyBytes: 1000,
    handle: (req, res) => {
      leanSeen.push(req);
      leanAnswer(req, res);
    },
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    lean,
    port,
    leanSeen,
    nodeSeen,
    client: async () => {
      const s = connect(port, '127.0.0.1');
      clients.push(s);
      await new Promise((r) => s.once('connect', r));
      return new RawClient(s);
    },
  };
}

const post = (path: string, body: string, extra = ''): string =>
  `POST ${path} HTTP/1.1\r\nHost: gw\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('lean HTTP/1.1 path', () => {
  it('answers a plain request under its prefix itself and keeps the connection for the next', async () => {
    const h = await harness();
    const c = await h.client();
    c.send(post('/v1/chat/completions', '{"a":1}', 'X-Trace: T1\r\n'));
    const a = await c.answer();
    expect(a.status).toBe(200);
    expect(a.body).toBe('lean POST /v1/chat/completions {"a":1}');
    expect(a.headers['connection']).toBe('keep-alive');
    expect(a.headers['keep-alive']).toBe('timeout=5');
    expect(new Date(a.headers['date'] ?? '').getTime()).toBeGreaterThan(Date.now() - 5000);
    expect(h.leanSeen[0]?.headers['x-trace']).toBe('T1');
    c.send('GET /v1/models HTTP/1.1\r\nHost: gw\r\n\r\n');
    expect((await c.answer()).body).toBe('lean GET /v1/models ');
    expect(h.lean.connections).toBe(1);
    expect(h.nodeSeen).toEqual([]);
  });

  it('hands any other request to node:http with its bytes intact, and the connection stays there', async () => {
    const h = await harness();
    const c = await h.client();
    c.send(post('/v1/a', 'one'));
    expect((await c.answer()).body).toBe('lean POST /v1/a one');
    // A chunked body, split over writes: node:http reads it from the first byte.
    c.send('POST /v1/b HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntw');
    await sleep(30);
    c.send('o\r\n0\r\n\r\n');
    expect((await c.answer()).body).toBe('node POST /v1/b two');
    c.send(post('/v1/c', 'three'));
    expect((await c.answer()).body).toBe('node POST /v1/c three');
    expect(h.lean.connections).toBe(0);
    const other = await h.client();
    other.send('GET /manage/projects HTTP/1.1\r\nHost: gw\r\n\r\n');
    expect((await other.answer()).body).toBe('node GET /manage/projects ');
    expect(h.leanSeen.map((r) => r.url)).toEqual(['/v1/a']);
  });

  it('reads a body that comes over several reads, then the request that follows it in the last one', async () => {
    const h = await harness();
    const c = await h.client();
    c.send('POST /v1/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 6\r\n\r\nab');
    await sleep(20);
    c.send('cd');
    await sleep(20);
    c.send('efGET /v1/y HTTP/1.1\r\nHost: gw\r\n\r\n');
    expect((await c.answer()).body).toBe('lean POST /v1/x abcdef');
    expect((await c.answer()).body).toBe('lean GET /v1/y ');
  });

  it('reads requests split at every byte, the blank line included', async () => {
    const h = await harness();
    const c = await h.client();
    const raw = post('/v1/a', '{"x":1}') + 'GET /v1/b HTTP/1.1\r\nHost: gw\r\n\r\n' + post('/v1/c', 'z');
    for (const ch of raw) {
      c.send(ch);
      await new Promise((r) => setTimeout(r, 1));
    }
    expect((await c.answer()).body).toBe('lean POST /v1/a {"x":1}');
    expect((await c.answer()).body).toBe('lean GET /v1/b ');
    expect((await c.answer()).body).toBe('lean POST /v1/c z');
    expect(h.lean.connections).toBe(1);
  });

  it('answers pipelined requests in the order they came', async () => {
    const h = await harness((req, res) => {
      const delay = req.url === '/v1/slow' ? 80 : 0;
      setTimeout(() => res.end(req.url), delay);
    });
    const c = await h.client();
    c.send(post('/v1/slow', 'a') + post('/v1/fast', 'b') + 'GET /manage/x HTTP/1.1\r\nHost: gw\r\n\r\n');
    expect((await c.answer()).body).toBe('/v1/slow');
    expect((await c.answer()).body).toBe('/v1/fast');
    expect((await c.answer()).body).toBe('node GET /manage/x ');
  });

  it.each([
    [
      'Content-Length and Transfer-Encoding',
      'POST /v1/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
    ],
    [
      'two different Content-Lengths',
      'POST /v1/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      400,
    ],
    ['an obs-fold line', 'GET /v1/x HTTP/1.1\r\nHost: gw\r\nX-A: 1\r\n 2\r\n\r\n', 400],
    ['no Host', 'GET /v1/x HTTP/1.1\r\n\r\n', 400],
    ['a body over the limit', post('/v1/x', 'x'.repeat(1001)), 200],
    ['HTTP/1.0', 'GET /v1/x HTTP/1.0\r\nHost: gw\r\n\r\n', 200],
  ])('leaves %s to node:http', async (_what, raw, status) => {
    const h = await harness();
    const c = await h.client();
    c.send(raw);
    const a = await c.answer();
    expect(a.status).toBe(status);
    if (status === 200) expect(h.nodeSeen).toHaveLength(1);
    expect(h.leanSeen).toEqual([]);
  });

  it('hands over a head longer than node:http allows, which it refuses with 431', async () => {
    const h = await harness();
    const c = await h.client();
    c.send(`GET /v1/x HTTP/1.1\r\nHost: gw\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expect((await c.answer()).status).toBe(431);
    expect(h.leanSeen).toEqual([]);
  });

  it('frames an answer without Content-Length as chunked, and one ended with data by its length', async () => {
    const h = await harness((req, res) => {
      if (req.url === '/v1/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.flushHeaders();
        res.write('data: 1\n\n', 'latin1');
        setTimeout(() => {
          res.write(Buffer.from('data: ü\n\n'));
          res.end();
        }, 20);
      } else if (req.url === '/v1/none') {
        res.writeHead(204, { 'x-a': ['1', '2'] });
        res.end();
      } else res.end('fixed ü');
    });
    const base = `http://127.0.0.1:${h.port}`;
    const s = await request(`${base}/v1/stream`);
    expect(s.headers['transfer-encoding']).toBe('chunked');
    expect(await s.body.text()).toBe('data: 1\n\ndata: ü\n\n');
    const f = await request(`${base}/v1/fixed`);
    expect(f.headers['content-length']).toBe(String(Buffer.byteLength('fixed ü')));
    expect(await f.body.text()).toBe('fixed ü');
    const n = await request(`${base}/v1/none`);
    expect(n.statusCode).toBe(204);
    expect(n.headers['x-a']).toEqual(['1', '2']);
    expect(await n.body.text()).toBe('');
    expect(h.leanSeen).toHaveLength(3);
  });

  it("sends everything on end, however many corks its caller left on the socket (as node:http's end)", async () => {
    const h = await harness((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.socket.cork();
      res.socket.cork();
      res.flushHeaders();
      res.write('data: x\n\n', 'latin1');
      res.end();
    });
    const c = await h.client();
    c.send('GET /v1/x HTTP/1.1\r\nHost: gw\r\n\r\n');
    expect((await c.answer(1000)).body).toBe('data: x\n\n');
  });

  it('refuses a header value that would split the answer, as node:http does', async () => {
    let thrown: unknown;
    const h = await harness((_req, res) => {
      try {
        res.writeHead(200, { 'x-a': 'ok\r\nset-cookie: evil=1' });
      } catch (err) {
        thrown = err;
        res.writeHead(500, { 'content-length': 0 });
      }
      res.end();
    });
    const c = await h.client();
    c.send('GET /v1/x HTTP/1.1\r\nHost: gw\r\n\r\n');
    const a = await c.answer();
    expect(a.status).toBe(500);
    expect(a.headers['set-cookie']).toBeUndefined();
    expect((thrown as { code?: string }).code).toBe('ERR_INVALID_CHAR');
  });

  it('closes the connection after an answer to a client that asked to, saying so', async () => {
    const h = await harness();
    const c = await h.client();
    c.send('GET /v1/x HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    expect((await c.answer()).headers['connection']).toBe('close');
    expect(await c.closed(1000)).toBe(true);
  });

  it('tells the handler when the client goes away before its answer ends', async () => {
    let closedEarly: boolean | undefined;
    const h = await harness((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      res.once('close', () => (closedEarly = !res.writableEnded));
    });
    const c = await h.client();
    c.send('GET /v1/x HTTP/1.1\r\nHost: gw\r\n\r\n');
    while (h.leanSeen.length === 0) await sleep(10);
    c.socket.destroy();
    for (let i = 0; i < 100 && closedEarly === undefined; i++) await sleep(10);
    expect(closedEarly).toBe(true);
  });

  it("closes an idle connection after the server's keepAliveTimeout", async () => {
    const h = await harness(undefined, (s) => (s.keepAliveTimeout = 200));
    const c = await h.client();
    c.send('GET /v1/x HTTP/1.1\r\nHost: gw\r\n\r\n');
    expect((await c.answer()).headers['keep-alive']).toBe('timeout=0');
    // As node:http, a second past the advertised timeout (then within the 1 s sweep).
    expect(await c.closed(1100)).toBe(false);
    expect(await c.closed(2500)).toBe(true);
  });

  it('answers 408 in the error envelope when a request is too slow to arrive', async () => {
    const h = await harness(undefined, (s) => {
      s.headersTimeout = 300;
      s.requestTimeout = 600;
    });
    const slowHead = await h.client();
    slowHead.send('GET /v1/x HTTP/1.1\r\nHost: gw\r\n');
    const slowBody = await h.client();
    slowBody.send('POST /v1/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 10\r\n\r\nabc');
    for (const c of [slowHead, slowBody]) {
      const a = await c.answer(3000);
      expect(a.status).toBe(408);
      expect(JSON.parse(a.body)).toMatchObject({ error: { code: 'request_timeout' } });
      expect(await c.closed(1000)).toBe(true);
    }
    expect(h.leanSeen).toEqual([]);
  });

  it('keeps a connection opened ahead of its first request, as node:http does', async () => {
    const h = await harness(undefined, (s) => {
      s.headersTimeout = 200;
      s.requestTimeout = 400;
    });
    const c = await h.client();
    await sleep(1300); // past the timeouts and a sweep
    c.send('GET /v1/late HTTP/1.1\r\nHost: gw\r\n\r\n');
    expect((await c.answer()).body).toBe('lean GET /v1/late ');
  });

  it('lets the server close: idle lean connections go at once', async () => {
    const h = await harness();
    const c = await h.client();
    c.send('GET /v1/x HTTP/1.1\r\nHost: gw\r\n\r\n');
    await c.answer();
    const t0 = Date.now();
    await new Promise((r) => h.server.close(r));
    servers.splice(servers.indexOf(h.server), 1);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await c.closed(500)).toBe(true);
  });

  it('closes a connection whose answer was in flight when the server began to close, after that answer', async () => {
    let finish: (() => void) | undefined;
    const h = await harness((_req, res) => (finish = () => res.end('late')));
    const c = await h.client();
    c.send('GET /v1/x HTTP/1.1\r\nHost: gw\r\n\r\n');
    while (finish === undefined) await sleep(10);
    const closed = new Promise((r) => h.server.close(r));
    servers.splice(servers.indexOf(h.server), 1);
    finish();
    const a = await c.answer();
    expect(a.body).toBe('late');
    expect(a.headers['connection']).toBe('close');
    await closed;
  });
});
