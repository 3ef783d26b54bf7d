import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BootstrapError } from './bootstrap-errors.js';
import { BootstrapHttp, parseRetryAfter, serverMessage } from './bootstrap-http.js';

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores anything else', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(['0'], now)).toBe(0);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});

describe('serverMessage', () => {
  it('reads the llmops management error body', () => {
    const body = {
      error: 'duration_minutes exceeds maximum allowed',
      code: 'duration_too_long',
      message: 'duration_minutes exceeds maximum allowed',
      description: 'the maximum is 525600 minutes (one year)',
    };
    expect(serverMessage(JSON.stringify(body))).toBe(
      'duration_minutes exceeds maximum allowed: the maximum is 525600 minutes (one year) (duration_too_long)',
    );
  });

  it('reads an OpenAI-style nested error, plain text, and nothing', () => {
    expect(serverMessage('{"error":{"message":"Rate limit","code":"rate_limit_exceeded"}}')).toBe(
      'Rate limit (rate_limit_exceeded)',
    );
    expect(serverMessage('  upstream\n  connect error ')).toBe('upstream connect error');
    expect(serverMessage('')).toBe('(no message)');
    expect(serverMessage('x'.repeat(1000))).toHaveLength(301);
  });
});

describe('BootstrapHttp', () => {
  it('scrubs the token, the configured secrets and secret-looking text', () => {
    const http = new BootstrapHttp({
      url: 'http://u:pa55word@127.0.0.1:1',
      token: 'tok-admin-1234',
      timeoutMs: 100,
      secrets: ['up-key-999'],
    });
    expect(http.scrub('a tok-admin-1234 b up-key-999 c pa55word d sk-abcdefghijkl')).toBe(
      'a [redacted] b [redacted] c [redacted] d sk-[redacted]',
    );
    void http.close();
  });

  it('turns a refused connection into a `network` error naming the call', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    server.close();
    await once(server, 'close');
    const http = new BootstrapHttp({
      url: `http://127.0.0.1:${String(port)}`,
      token: 't0ken-xyz',
      timeoutMs: 1000,
    });
    const err = (await http.send('DELETE', '/x/1').catch((e: unknown) => e)) as BootstrapError;
    await http.close();
    expect(err).toBeInstanceOf(BootstrapError);
    expect(err.code).toBe('network');
    expect(err.message).toMatch(/^DELETE \/x\/1: request failed \(ECONNREFUSED\)/);
  });

  it('gives up on a silent server after timeoutMs with a `network` error', async () => {
    const server = createServer(() => {});
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/base/`;
    const http = new BootstrapHttp({ url, token: 't0ken-xyz', timeoutMs: 150 });
    const started = performance.now();
    const err = (await http
      .json('POST', '/thing', {}, z.object({}))
      .catch((e: unknown) => e)) as BootstrapError;
    expect(performance.now() - started).toBeLessThan(2000);
    await http.close();
    server.closeAllConnections();
    server.close();
    expect(err.code).toBe('network');
    expect(err.message).toBe('POST /thing: no answer within 150 ms');
  });

  it('keeps a path prefix of the base URL, and reads Retry-After of an error answer', async () => {
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'text/plain' }).end('too many');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/base/`;
    const http = new BootstrapHttp({ url, token: 't0ken-xyz', timeoutMs: 1000 });
    const err = (await http.send('POST', '/thing', { a: 1 }).catch((e: unknown) => e)) as BootstrapError;
    await http.close();
    server.close();
    expect(paths).toEqual(['/base/thing']);
    expect(err).toMatchObject({ code: 'http_status', status: 429, retryAfterMs: 7000 });
    expect(err.message).toBe('POST /thing: HTTP 429: too many');
  });
});
