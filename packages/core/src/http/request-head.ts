import type { IncomingHttpHeaders } from 'node:http';
import { HTTP_TOKEN, isFieldText } from './http-syntax.js';

/** A request head the lean server takes on itself: every other one goes to node:http untouched. */
export interface PlainRequestHead {
  method: string;
  url: string;
  /** Lowercase names, each once (null prototype: a `__proto__` header is just a header). */
  headers: IncomingHttpHeaders;
  /** Content-Length (0 when absent). */
  bodyBytes: number;
  /** The client asked to close the connection after this answer. */
  close: boolean;
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Printable ASCII only in the request target: no space, no control, no byte past 0x7e. */
const TARGET = /^\/[\x21-\x7e]*$/;
const DIGITS = /^\d{1,15}$/;
/** Headers that change how the message is framed or what the connection becomes: node:http's to handle. */
const NOT_PLAIN: ReadonlySet<string> = new Set(['transfer-encoding', 'expect', 'upgrade', 'te']);

/**
 * Parses a request head (the bytes before its blank line, as latin1) when it is plain HTTP/1.1 under `prefix`:
 * a method among GET/POST/PUT/PATCH/DELETE/OPTIONS, a printable-ASCII target, a Host, no header twice, no
 * Transfer-Encoding/Expect/Upgrade/TE, at most one all-digits Content-Length, Connection absent or `keep-alive`
 * or `close`, and every line well formed (token name, colon, no control character, no obs-fold). Anything else
 * returns undefined, and the caller hands the bytes to node:http, whose parser (llhttp) answers or refuses it
 * as for any route: the fast path never guesses at a message's framing, so it can never disagree with a
 * compliant proxy in front about where a request ends.
 */
export function parsePlainRequestHead(head: string, prefix: string): PlainRequestHead | undefined {
  const lines = head.split('\r\n');
  const first = lines[0] as string;
  const sp1 = first.indexOf(' ');
  const sp2 = first.indexOf(' ', sp1 + 1);
  if (sp1 < 0 || sp2 < 0 || first.slice(sp2 + 1) !== 'HTTP/1.1') return undefined;
  const method = first.slice(0, sp1);
  const url = first.slice(sp1 + 1, sp2);
  if (!METHODS.has(method) || !url.startsWith(prefix) || !TARGET.test(url)) return undefined;
  const headers = Object.create(null) as Record<string, string>;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    // A control character other than HTAB (a bare CR or LF included: lines were split on CRLF) is refused.
    if (colon <= 0 || !isFieldText(line)) return undefined;
    const name = line.slice(0, colon).toLowerCase();
    if (!HTTP_TOKEN.test(name) || headers[name] !== undefined || NOT_PLAIN.has(name)) return undefined;
    headers[name] = trimOws(line, colon + 1);
  }
  if (headers['host'] === undefined) return undefined;
  const length = headers['content-length'];
  if (length !== undefined && !DIGITS.test(length)) return undefined;
  const connection = headers['connection']?.toLowerCase();
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close') return undefined;
  return {
    method,
    url,
    headers,
    bodyBytes: length === undefined ? 0 : Number(length),
    close: connection === 'close',
  };
}

/** The value after the colon without the optional whitespace around it (space and HTAB only, as RFC 9110 §5.6.3). */
function trimOws(line: string, from: number): string {
  let start = from;
  let end = line.length;
  while (start < end && (line.charCodeAt(start) === 32 || line.charCodeAt(start) === 9)) start++;
  while (end > start && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  return line.slice(start, end);
}
