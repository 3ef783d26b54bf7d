import { describe, expect, it } from 'vitest';
import { parsePlainRequestHead } from './request-head.js';

const head = (...lines: string[]): string => lines.join('\r\n');

describe('plain request heads', () => {
  it('parses method, target, lowercase headers, body length and the close wish', () => {
    const h = parsePlainRequestHead(
      head(
        'POST /v1/chat/completions?x=1 HTTP/1.1',
        'Host: gw',
        'Content-Type:  application/json \t',
        'Content-Length: 17',
        'Connection: Close',
      ),
      '/v1/',
    );
    expect(h).toMatchObject({ method: 'POST', url: '/v1/chat/completions?x=1', bodyBytes: 17, close: true });
    expect({ ...h?.headers }).toEqual({
      host: 'gw',
      'content-type': 'application/json',
      'content-length': '17',
      connection: 'Close',
    });
    expect(parsePlainRequestHead(head('GET /v1/models HTTP/1.1', 'host: gw'), '/v1/')).toMatchObject({
      bodyBytes: 0,
      close: false,
    });
  });

  it('keeps a header named __proto__ as a header', () => {
    const h = parsePlainRequestHead(head('GET /v1/models HTTP/1.1', 'host: gw', '__proto__: x'), '/v1/');
    expect(h?.headers['__proto__']).toBe('x');
  });

  it.each([
    ['another route', head('GET /manage/projects HTTP/1.1', 'host: gw')],
    ['HTTP/1.0', head('GET /v1/models HTTP/1.0', 'host: gw')],
    ['HEAD', head('HEAD /v1/models HTTP/1.1', 'host: gw')],
    ['an unknown method', head('BREW /v1/models HTTP/1.1', 'host: gw')],
    ['a space in the target', head('GET /v1/mo dels HTTP/1.1', 'host: gw')],
    ['a non-ASCII target', head('GET /v1/mod\u00e9ls HTTP/1.1', 'host: gw')],
    ['no Host', head('GET /v1/models HTTP/1.1')],
    ['Transfer-Encoding', head('POST /v1/x HTTP/1.1', 'host: gw', 'transfer-encoding: chunked')],
    [
      'Content-Length and Transfer-Encoding',
      head('POST /v1/x HTTP/1.1', 'host: gw', 'content-length: 3', 'transfer-encoding: chunked'),
    ],
    [
      'Content-Length twice',
      head('POST /v1/x HTTP/1.1', 'host: gw', 'content-length: 3', 'content-length: 3'),
    ],
    ['a header twice', head('GET /v1/x HTTP/1.1', 'host: gw', 'authorization: a', 'Authorization: b')],
    ['a signed Content-Length', head('POST /v1/x HTTP/1.1', 'host: gw', 'content-length: +3')],
    ['a Content-Length list', head('POST /v1/x HTTP/1.1', 'host: gw', 'content-length: 3, 3')],
    ['Expect', head('POST /v1/x HTTP/1.1', 'host: gw', 'expect: 100-continue')],
    ['Upgrade', head('GET /v1/x HTTP/1.1', 'host: gw', 'connection: upgrade', 'upgrade: websocket')],
    ['a Connection list', head('GET /v1/x HTTP/1.1', 'host: gw', 'connection: close, te')],
    ['an obs-fold line', head('GET /v1/x HTTP/1.1', 'host: gw', 'x-a: 1', ' folded')],
    ['space before the colon', head('GET /v1/x HTTP/1.1', 'host: gw', 'x-a : 1')],
    ['a line without a colon', head('GET /v1/x HTTP/1.1', 'host: gw', 'x-a')],
    ['a bare LF in a value', head('GET /v1/x HTTP/1.1', 'host: gw', 'x-a: 1\nx-b: 2')],
    ['a bare CR in a value', head('GET /v1/x HTTP/1.1', 'host: gw', 'x-a: 1\rx')],
    ['a NUL in a value', head('GET /v1/x HTTP/1.1', 'host: gw', 'x-a: 1\u0000')],
    ['an empty line first', head('', 'GET /v1/x HTTP/1.1', 'host: gw')],
  ])('leaves %s to node:http', (_what, text) => {
    expect(parsePlainRequestHead(text, '/v1/')).toBeUndefined();
  });
});
