import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { LeanDispatcher, type LeanDispatcherOptions, type UpstreamDispatcher } from './lean-dispatcher.js';
import { closeRawUpstreams, rawUpstream } from './raw-upstream.test-support.js';

const pools: LeanDispatcher[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
  await closeRawUpstreams();
});

interface Outcome {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  pieces: number;
  error: (Error & { code?: string }) | undefined;
  ended: boolean;
}

/** Dispatches one request with a recording handler; `hooks` may act on the controller along the way. */
function send(
  d: UpstreamDispatcher,
  options: Partial<Dispatcher.DispatchOptions> & { origin: string },
  hooks: {
    onStart?: (c: Dispatcher.DispatchController) => void;
    onData?: (c: Dispatcher.DispatchController, n: number) => void;
    onEnd?: () => void;
  } = {},
): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { status: 0, headers: {}, body: '', pieces: 0, error: undefined, ended: false };
    d.dispatch({ method: 'GET', path: '/', ...options } as Dispatcher.DispatchOptions, {
      onRequestStart(c) {
        hooks.onStart?.(c);
      },
      onResponseStart(_c, status, headers) {
        out.status = status;
        out.headers = headers;
      },
      onResponseData(c, chunk) {
        out.body += chunk.toString('latin1');
        out.pieces++;
        hooks.onData?.(c, out.pieces);
      },
      onResponseEnd() {
        out.ended = true;
        hooks.onEnd?.();
        resolve(out);
      },
      onResponseError(_c, err) {
        out.error = err;
        resolve(out);
      },
    });
  });
}

function lean(
  fallback?: UpstreamDispatcher,
  connections: number | null = null,
  opts: LeanDispatcherOptions = {},
): LeanDispatcher {
  const p = new LeanDispatcher(
    fallback ?? {
      dispatch: () => {
        throw new Error('fallback used');
      },
      close: async () => {},
    },
    { connections, ...opts },
  );
  pools.push(p);
  return p;
}

const ok = (body: string, extra = ''): string =>
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('LeanDispatcher', () => {
  it('writes the request in one piece, with its own framing, and reuses the connection', async () => {
    const up = await rawUpstream((_req, s) => void s.write(ok('{"a":1}')));
    const d = lean();
    const body = Buffer.from('{"model":"m","x":"é"}');
    const a = await send(d, {
      origin: up.origin,
      method: 'POST',
      path: '/v1/chat/completions?x=1',
      headers: {
        'content-type': 'application/json',
        'x-multi': ['one', 'two'],
        connection: 'upgrade',
        expect: '100-continue',
        host: 'evil.example',
        'content-length': '999',
      },
      body,
    });
    expect(a).toMatchObject({ status: 200, body: '{"a":1}', ended: true, error: undefined });
    expect(a.headers['content-type']).toBe('application/json');
    const b = await send(d, { origin: up.origin, path: '/v1/models' });
    expect(b.body).toBe('{"a":1}');
    expect(up.connections).toBe(1);
    const [first, second] = up.requests as [string, string];
    const host = up.origin.slice('http://'.length);
    expect(first).toBe(
      `POST /v1/chat/completions?x=1 HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\n` +
        `x-multi: one\r\nx-multi: two\r\ncontent-length: ${body.length}\r\n\r\n${body.toString('latin1')}`,
    );
    // A GET without a body has no content-length at all.
    expect(second).toBe(`GET /v1/models HTTP/1.1\r\nhost: ${host}\r\n\r\n`);
  });

  it('refuses a method, path, header name or value that would split the request, and sends nothing', async () => {
    const up = await rawUpstream((_r, s) => void s.write(ok('{}')));
    const d = lean();
    for (const bad of [
      { headers: { 'x-evil': 'a\r\nx-injected: 1' } },
      { headers: { 'x-list': ['fine', 'a\nb'] } },
      { headers: { 'bad name': 'v' } },
      { path: '/v1/models HTTP/1.1\r\nx-injected: 1' },
      { method: 'GET /x' },
    ]) {
      const r = await send(d, { origin: up.origin, ...bad });
      expect(r.error?.code, JSON.stringify(bad)).toBe('UND_ERR_INVALID_ARG');
    }
    expect(up.requests).toHaveLength(0);
    expect(d.connections).toBe(0);
  });

  it('decodes a chunked answer that arrives one byte at a time (extensions and trailers included)', async () => {
    const wire =
      'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '7;name=value\r\ndata: 1\r\n' +
      '11\r\n\n\ndata: [DONE]\n\n\n\r\n' +
      '0\r\nx-trailer: t\r\n\r\n';
    const up = await rawUpstream(async (_r, s) => {
      for (const ch of wire) {
        s.write(ch, 'latin1');
        await sleep(1);
      }
    });
    const d = lean();
    const r = await send(d, { origin: up.origin });
    expect(r.error).toBeUndefined();
    expect(r.headers['content-type']).toBe('text/event-stream');
    expect(r.body).toBe('data: 1\n\ndata: [DONE]\n\n\n');
    // The connection is reused after a whole chunked answer.
    await send(d, { origin: up.origin });
    expect(up.connections).toBe(1);
  });

  it('delivers several chunks of one read in order', async () => {
    const up = await rawUpstream((_r, s) => {
      s.write(
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n1\r\nf\r\n0\r\n\r\n',
      );
    });
    const r = await send(lean(), { origin: up.origin });
    expect(r).toMatchObject({ body: 'abcdef', pieces: 3, ended: true });
  });

  it('skips interim answers, keeps repeated headers, and reads no body for 204 and HEAD', async () => {
    const up = await rawUpstream((req, s) => {
      if (req.startsWith('HEAD')) s.write('HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n');
      else if (req.includes('/empty')) s.write('HTTP/1.1 204 No Content\r\n\r\n');
      else
        s.write(
          'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nset-cookie: a=1\r\nset-cookie: b=2\r\ncontent-length: 2\r\n\r\nok',
        );
    });
    const d = lean();
    const r = await send(d, { origin: up.origin });
    expect(r).toMatchObject({ status: 200, body: 'ok' });
    expect(r.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(await send(d, { origin: up.origin, path: '/empty' })).toMatchObject({ status: 204, ended: true });
    expect(await send(d, { origin: up.origin, method: 'HEAD' })).toMatchObject({
      status: 200,
      body: '',
      ended: true,
    });
    expect(up.connections).toBe(1);
  });

  it('reads a body without length to the close, and does not reuse that connection', async () => {
    const up = await rawUpstream((_r, s) => {
      s.end('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nall of it');
    });
    const d = lean();
    expect(await send(d, { origin: up.origin })).toMatchObject({ body: 'all of it', ended: true });
    expect(await send(d, { origin: up.origin })).toMatchObject({ body: 'all of it', ended: true });
    expect(up.connections).toBe(2);
  });

  it('reads a body framed both ways as chunked, and does not reuse that connection', async () => {
    const up = await rawUpstream((_r, s) => {
      s.write(
        'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      );
    });
    const d = lean();
    expect(await send(d, { origin: up.origin })).toMatchObject({ body: 'hello', ended: true });
    await send(d, { origin: up.origin });
    expect(up.connections).toBe(2);
  });

  it('does not reuse a connection the answer says to close, or says it keeps idle for a second or less', async () => {
    for (const header of ['Connection: close\r\n', 'Keep-Alive: timeout=1\r\n']) {
      const up = await rawUpstream((_r, s) => void s.write(ok('x', header)));
      const d = lean();
      await send(d, { origin: up.origin });
      await send(d, { origin: up.origin });
      expect(up.connections, header).toBe(2);
    }
  });

  it('fails an answer cut short, a malformed one, and a refused connection, each with its code', async () => {
    const up = await rawUpstream((req, s) => {
      if (req.includes('/short')) s.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten b');
      else if (req.includes('/chunk')) s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n');
      else s.write('HTTP/9 what\r\n\r\n');
    });
    const d = lean();
    const short = await send(d, { origin: up.origin, path: '/short' });
    expect(short.body).toBe('only ten b');
    expect(short.error?.code).toBe('UND_ERR_SOCKET');
    expect((await send(d, { origin: up.origin, path: '/chunk' })).error?.code).toBe('UND_ERR_INVALID_CHUNK');
    expect((await send(d, { origin: up.origin, path: '/status' })).error?.code).toBe(
      'UND_ERR_INVALID_STATUS',
    );
    const gone = await rawUpstream(() => {});
    await gone.close();
    expect((await send(d, { origin: gone.origin })).error?.code).toBe('ECONNREFUSED');
  });

  it('times out waiting for headers, and between body pieces', async () => {
    const up = await rawUpstream((req, s) => {
      if (req.includes('/body')) s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n');
    });
    const d = lean();
    const t0 = performance.now();
    const h = await send(d, { origin: up.origin, headersTimeout: 150 });
    expect(h.error?.code).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(performance.now() - t0).toBeLessThan(1000);
    const b = await send(d, { origin: up.origin, path: '/body', bodyTimeout: 150 });
    expect(b).toMatchObject({ status: 200, body: 'a' });
    expect(b.error?.code).toBe('UND_ERR_BODY_TIMEOUT');
    // Neither connection is reused: each was left in the middle of an exchange.
    await sleep(50);
    expect(up.closed).toBe(2);
  });

  it('stops delivering while paused, without timing out, and goes on after resume', async () => {
    const up = await rawUpstream(async (_r, s) => {
      s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n');
      await sleep(20);
      s.write('1\r\nb\r\n1\r\nc\r\n0\r\n\r\n');
    });
    let seen = 0;
    let seenAtResume = -1;
    const r = await send(
      lean(),
      { origin: up.origin, bodyTimeout: 150 },
      {
        onData: (c) => {
          if (++seen !== 1) return;
          c.pause();
          setTimeout(() => {
            seenAtResume = seen;
            c.resume();
          }, 400);
        },
      },
    );
    // Nothing was delivered in the 400 ms paused (the rest arrived after 20), and no body timeout (150 ms) fired.
    expect(seenAtResume).toBe(1);
    expect(r).toMatchObject({ body: 'abc', ended: true, error: undefined });
  });

  it('aborts: the handler gets the reason and the connection is closed', async () => {
    const up = await rawUpstream((_r, s) => {
      s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n');
    });
    const reason = new Error('client disconnected');
    const r = await send(lean(), { origin: up.origin }, { onData: (c) => c.abort(reason) });
    expect(r.error).toBe(reason);
    await sleep(50);
    expect(up.closed).toBe(1);
  });

  it('sends an idempotent request again when a reused connection was closed under it, never a POST', async () => {
    // The second request on each connection meets a close without an answer, as when a server's idle timeout
    // and the request cross on the wire.
    const up = await rawUpstream((_r, s) => {
      const n = (s as Socket & { n?: number }).n ?? 0;
      (s as Socket & { n?: number }).n = n + 1;
      if (n === 0) s.write(ok('first'));
      else s.destroy();
    });
    const d = lean();
    await send(d, { origin: up.origin });
    const retried = await send(d, { origin: up.origin });
    expect(retried).toMatchObject({ body: 'first', ended: true, error: undefined });
    const post = await send(d, { origin: up.origin, method: 'POST', body: Buffer.from('{}') });
    expect(post.error?.code).toBe('UND_ERR_SOCKET');
  });

  it('destroy ends every request in flight at once, sends none again, and refuses new ones', async () => {
    const up = await rawUpstream((req, s) => {
      if (req.includes('/fast')) s.write(ok('x'));
      // anything else: never answered
    });
    const d = lean();
    await send(d, { origin: up.origin, path: '/fast' });
    const pending = [send(d, { origin: up.origin }), send(d, { origin: up.origin })];
    await sleep(50);
    await d.destroy();
    const outcomes = await Promise.all(pending);
    for (const o of outcomes) expect(o.error?.code).toBe('UND_ERR_SOCKET');
    // The GET on the reused connection was not sent again: three requests reached the upstream, no fourth.
    await sleep(50);
    expect(up.requests).toHaveLength(3);
    expect((await send(d, { origin: up.origin })).error?.code).toBe('UND_ERR_CLOSED');
    // With a limit of one connection, a request waiting for it fails too.
    const capped = lean(undefined, 1);
    const busy = send(capped, { origin: up.origin });
    const waiting = send(capped, { origin: up.origin });
    await sleep(50);
    await capped.destroy();
    expect((await busy).error?.code).toBe('UND_ERR_SOCKET');
    expect((await waiting).error?.code).toBe('UND_ERR_CLOSED');
  });

  it('with a connection limit, requests wait in order and start (onRequestStart) only when written', async () => {
    const up = await rawUpstream(async (req, s) => {
      await sleep(req.includes('/slow') ? 100 : 1);
      s.write(ok(req.split(' ')[1] as string, req.includes('/closing') ? 'connection: close\r\n' : ''));
    });
    const d = lean(undefined, 1);
    const started: string[] = [];
    const track = async (path: string) => {
      let startedAt = 0;
      const out = await send(
        d,
        { origin: up.origin, path },
        {
          onStart: () => {
            startedAt = performance.now();
            started.push(path);
          },
        },
      );
      return { ...out, startedAt };
    };
    const t0 = performance.now();
    const [slow, closing, last] = await Promise.all([track('/slow'), track('/closing'), track('/last')]);
    expect([slow.body, closing.body, last.body]).toEqual(['/slow', '/closing', '/last']);
    expect(started).toEqual(['/slow', '/closing', '/last']);
    // /closing waited for /slow's answer (~100 ms) before it was written; that wait is before its start.
    expect(closing.startedAt - t0).toBeGreaterThanOrEqual(95);
    // /closing's connection was closed by the server: /last got a new one, still within the limit of one.
    expect(up.connections).toBe(2);
  });

  it('hands every other origin to the fallback, and closes its idle connections on close', async () => {
    const calls: string[] = [];
    const d = lean({
      dispatch: (o) => {
        calls.push(String(o.origin));
        return true;
      },
      close: async () => {
        calls.push('closed');
      },
    });
    expect(d.dispatch({ origin: 'https://api.openai.com', path: '/', method: 'GET' }, {})).toBe(true);
    const up = await rawUpstream((_r, s) => void s.write(ok('x')));
    await send(d, { origin: up.origin });
    expect(d.connections).toBe(1);
    await d.close();
    await sleep(50);
    expect(up.closed).toBe(1);
    expect(d.connections).toBe(0);
    expect(calls).toEqual(['https://api.openai.com', 'closed']);
  });
  /** A reader that holds upstream back after each piece for 20 ms (backpressure). */
  const pauseEachPiece: Parameters<typeof send>[2] = {
    onData: (c) => {
      c.pause();
      setTimeout(() => c.resume(), 20);
    },
  };

  it('completes an answer that came with the close while paused, once resumed', async () => {
    // The whole chunked answer and the FIN arrive in one read; the handler pauses after each piece (backpressure).
    const up = await rawUpstream((_r, s) => {
      s.end(
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\naaaa\r\n4\r\nbbbb\r\n4\r\ncccc\r\n0\r\n\r\n',
      );
    });
    const r = await send(lean(), { origin: up.origin }, pauseEachPiece);
    expect(r).toMatchObject({ body: 'aaaabbbbcccc', pieces: 3, ended: true, error: undefined });
  });

  it('still fails an answer cut short by the close while paused, once resumed', async () => {
    const up = await rawUpstream((_r, s) => {
      s.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\naaaa\r\n4\r\nbbbb\r\n');
    });
    const r = await send(lean(), { origin: up.origin }, pauseEachPiece);
    expect(r.body).toBe('aaaabbbb');
    expect(r.error?.code).toBe('UND_ERR_SOCKET');
  });

  it('never writes a request on a connection the server closed along with its last answer', async () => {
    // Each answer is followed at once by the server's FIN, without `connection: close`: a POST written on that
    // connection would be lost (it is never sent again).
    const up = await rawUpstream((_r, s) => void s.end(ok('x')));
    const d = lean();
    for (let i = 0; i < 20; i++) {
      const r = await send(d, { origin: up.origin, method: 'POST', body: Buffer.from('{}') });
      expect(r.error, `request ${i}`).toBeUndefined();
    }
    expect(up.requests).toHaveLength(20);
  });

  it('lets a request take a connection released in the same turn (written a turn later), not open another', async () => {
    const up = await rawUpstream((_r, s) => void s.write(ok('x')));
    const d = lean();
    let second: Promise<Outcome> | undefined;
    const first = await send(
      d,
      { origin: up.origin },
      { onEnd: () => (second = send(d, { origin: up.origin })) },
    );
    expect(first.ended).toBe(true);
    expect(await second).toMatchObject({ body: 'x', ended: true });
    expect(up.connections).toBe(1);
  });

  it('gives the connection to the next request when the handler gives up at onRequestStart, sending nothing', async () => {
    const up = await rawUpstream((_r, s) => void s.write(ok('x')));
    const d = lean(undefined, 1);
    await send(d, { origin: up.origin });
    const why = new Error('gave up while waiting');
    const gaveUp = await send(d, { origin: up.origin, path: '/never' }, { onStart: (c) => c.abort(why) });
    expect(gaveUp.error).toBe(why);
    expect(await send(d, { origin: up.origin })).toMatchObject({ body: 'x', ended: true });
    expect(up.requests.some((r) => r.includes('/never'))).toBe(false);
    expect(up.connections).toBe(1);
  });

  it('fails at once on a head whose lines end in LF alone, or hold a CR alone, as undici does', async () => {
    const heads: Record<string, string> = {
      '/lf': 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok',
      '/lf-in-value': 'HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 2\r\n\r\nok',
      '/lf-end': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\nok',
      '/cr-in-value': 'HTTP/1.1 200 OK\r\nX-A: 1\r2\r\nContent-Length: 2\r\n\r\nok',
    };
    const up = await rawUpstream((req, s) => void s.write(heads[req.split(' ')[1] as string] as string));
    const d = lean();
    for (const path of Object.keys(heads)) {
      const t0 = performance.now();
      const r = await send(d, { origin: up.origin, path, headersTimeout: 5000 });
      expect(r.error?.code, path).toBe('UND_ERR_INVALID_HEADER');
      expect(performance.now() - t0, path).toBeLessThan(1000);
    }
  });

  it('refuses a head larger than maxHeaderBytes, whole in one read or not', async () => {
    const big = `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(5000)}\r\ncontent-length: 2\r\n\r\nok`;
    const up = await rawUpstream(async (req, s) => {
      if (req.includes('/one')) s.write(big);
      else {
        s.write(big.slice(0, 900));
        await sleep(20);
        s.write(big.slice(900));
      }
    });
    const d = lean(undefined, null, { maxHeaderBytes: 1024 });
    for (const path of ['/one', '/two'])
      expect((await send(d, { origin: up.origin, path })).error?.code, path).toBe('UND_ERR_HEADERS_OVERFLOW');
  });

  it('refuses the framings undici refuses: a length beside a non-chunked coding, a space before a colon', async () => {
    const heads: Record<string, string> = {
      '/gzip': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nokEXTRA',
      '/gzip-after':
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked, gzip\r\n\r\nokEXTRA',
      '/space': 'HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok',
      '/tab': 'HTTP/1.1 200 OK\r\nContent-Length\t: 2\r\n\r\nok',
    };
    const up = await rawUpstream((req, s) => void s.write(heads[req.split(' ')[1] as string] as string));
    const d = lean();
    const codes = [];
    for (const path of Object.keys(heads))
      codes.push((await send(d, { origin: up.origin, path })).error?.code);
    expect(codes).toEqual([
      'UND_ERR_INVALID_CONTENT_LENGTH',
      'UND_ERR_INVALID_CONTENT_LENGTH',
      'UND_ERR_INVALID_HEADER',
      'UND_ERR_INVALID_HEADER',
    ]);
  });

  it('reads chunk extensions as undici does: a quoted ";" is text, a space before ";" is refused', async () => {
    const body = (sizeLine: string): string =>
      `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${sizeLine}\r\nok\r\n0\r\n\r\n`;
    const lines: Record<string, string> = {
      '/quoted': '2;foo="a;b";bar=baz',
      '/space': '2 ;foo=bar',
      '/space-after': '2; foo=bar',
      '/trailing-space': '2 ',
    };
    const up = await rawUpstream(
      (req, s) => void s.write(body(lines[req.split(' ')[1] as string] as string)),
    );
    const d = lean();
    expect(await send(d, { origin: up.origin, path: '/quoted' })).toMatchObject({ body: 'ok', ended: true });
    for (const path of ['/space', '/space-after', '/trailing-space'])
      expect((await send(d, { origin: up.origin, path })).error?.code, path).toBe('UND_ERR_INVALID_CHUNK');
  });

  it('takes no Keep-Alive timeout from an interim (1xx) answer', async () => {
    // `timeout=1` would make the connection too short-lived to reuse; only the final answer's headers count.
    const up = await rawUpstream((_r, s) => {
      s.write('HTTP/1.1 103 Early Hints\r\nKeep-Alive: timeout=1\r\n\r\n' + ok('x'));
    });
    const d = lean();
    expect(await send(d, { origin: up.origin })).toMatchObject({ status: 200, body: 'x' });
    await send(d, { origin: up.origin });
    expect(up.connections).toBe(1);
  });
});
