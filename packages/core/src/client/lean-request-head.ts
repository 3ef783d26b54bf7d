import type { Dispatcher } from 'undici';
import { HTTP_TOKEN } from '../http/http-syntax.js';
import { LeanClientError } from './lean-client-error.js';

/** Request headers never written by this client: it sets the framing and the connection itself. */
const NOT_SENT = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
]);
/** A request target with whitespace or a control character would split the request line. */
const BAD_PATH = /[\s\0]/;
const BAD_VALUE = /[\r\n\0]/;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The head of a request to `host` (request line, its headers, and the framing this client sets itself), checked:
 * a method, path, header name or value that would split the request throws `UND_ERR_INVALID_ARG`.
 */
export function requestHead(method: string, options: Dispatcher.DispatchOptions, host: string): string {
  let head = `${method} ${options.path} HTTP/1.1\r\nhost: ${host}\r\n`;
  if (BAD_PATH.test(options.path) || !HTTP_TOKEN.test(method))
    throw new LeanClientError('invalid request method or path', 'UND_ERR_INVALID_ARG');
  const headers = options.headers as Record<string, string | string[] | undefined> | null | undefined;
  if (headers) {
    for (const name in headers) {
      const v = headers[name];
      if (v === undefined || NOT_SENT.has(name.toLowerCase())) continue;
      if (!HTTP_TOKEN.test(name))
        throw new LeanClientError('invalid request header name', 'UND_ERR_INVALID_ARG');
      if (typeof v === 'string') head += headerLine(name, v);
      else for (const one of v) head += headerLine(name, one);
    }
  }
  const body = options.body;
  const length =
    body === undefined || body === null
      ? METHODS_WITH_BODY.has(method)
        ? 0
        : -1
      : typeof body === 'string'
        ? Buffer.byteLength(body)
        : (body as Uint8Array).length;
  if (length >= 0) head += `content-length: ${length}\r\n`;
  return `${head}\r\n`;
}

/** One request header line; a value that would split the request is refused. */
function headerLine(name: string, value: string): string {
  if (BAD_VALUE.test(value))
    throw new LeanClientError(`invalid value of request header ${name}`, 'UND_ERR_INVALID_ARG');
  return `${name}: ${value}\r\n`;
}
