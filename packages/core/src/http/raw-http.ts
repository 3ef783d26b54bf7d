import type { IncomingMessage } from 'node:http';
import { CoreErrors } from '../errors/core-errors.js';
import { toErrorResponse } from '../errors/to-envelope.js';
import { LeanResponse, type ResponseSink } from './lean-response.js';

/** Called once with the body or the registry error that ended the read. */
export type BodyCallback<T> = (err: Error | null, body: T | undefined) => void;

/**
 * Reads a whole request body as bytes, failing with `request_too_large` past `limitBytes` (the rest is drained).
 * A callback, not a promise: the hot routes call it, and a promise would cost them a hop per request.
 */
export function onRawBody(req: IncomingMessage, limitBytes: number, done: BodyCallback<Buffer>): void {
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) {
    req.resume();
    done(CoreErrors.error('request_too_large', { limitBytes }), undefined);
    return;
  }
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  let settled = false;
  const onData = (c: Buffer): void => {
    size += c.length;
    if (size > limitBytes) {
      req.off('data', onData);
      req.resume();
      if (!settled) {
        settled = true;
        done(CoreErrors.error('request_too_large', { limitBytes }), undefined);
      }
      return;
    }
    if (first === undefined) first = c;
    else (more ??= [first]).push(c);
  };
  req.on('data', onData);
  req.once('end', () => {
    if (settled) return;
    settled = true;
    done(null, more !== undefined ? Buffer.concat(more, size) : (first ?? Buffer.alloc(0)));
  });
  req.once('error', (err) => {
    if (settled) return;
    settled = true;
    done(err, undefined);
  });
}

/** True when a Content-Type names JSON (`application/json`, with or without parameters). */
export function isJsonContentType(ctype: string | undefined): boolean {
  return ctype !== undefined && ctype.toLowerCase().startsWith('application/json');
}

/**
 * Reads a JSON request body on a raw node:http request: content type, size limit and syntax are checked and
 * failures passed as registry errors. Hot routes use this instead of a framework's body pipeline, which costs
 * tens of µs a request (measured: README, design notes); a callback, like `onRawBody`.
 */
export function onJsonBody(req: IncomingMessage, limitBytes: number, done: BodyCallback<unknown>): void {
  const ctype = req.headers['content-type'];
  if (!isJsonContentType(ctype)) {
    req.resume();
    done(CoreErrors.error('unsupported_media_type', { contentType: ctype ?? 'none' }), undefined);
    return;
  }
  onRawBody(req, limitBytes, (err, raw) => {
    if (err) {
      done(err, undefined);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse((raw as Buffer).toString('utf8'));
    } catch (cause) {
      done(CoreErrors.error('invalid_json', undefined, { cause }), undefined);
      return;
    }
    done(null, body);
  });
}

/** Writes a JSON body with its length (one write, headers included). */
export function sendJson(
  res: ResponseSink,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/**
 * Answers any thrown value in the OpenAI error envelope (via the one mapping, `toErrorResponse`). Returns the
 * status, or 0 when the response had already started and the connection was closed instead.
 */
export function sendError(res: ResponseSink, err: unknown): number {
  if (res.headersSent) {
    res.destroy();
    return 0;
  }
  const e = toErrorResponse(err);
  sendJson(res, e.status, JSON.stringify(e.body), e.headers);
  return e.status;
}

/** node:http's own state of a response that `writeChunk` checks (fields node has had since v0.x, not typed). */
interface OutgoingState {
  _headerSent?: boolean;
  chunkedEncoding?: boolean;
  outputData?: unknown[];
}

/**
 * Writes one piece of a chunked response body as a single socket write: the chunk-size line, the text and the
 * CRLF in one string. `res.write` frames the same piece as four writes (size, CRLF, data, CRLF) that wait behind
 * a cork for the next tick and leave as one writev, allocating a queue entry for each on the way. The fast path
 * runs only where it sends exactly the bytes `res.write` would: headers already on this socket, chunked encoding,
 * nothing of node:http's still queued, the response not ended and the socket its own (a response waiting behind
 * a pipelined one is not). Everything else goes through `res.write`. `latin1` text is one char per byte (a Buffer
 * read as latin1), so its length is its byte count. Returns what the write returned: false asks the caller to
 * wait for the socket's 'drain' (the fast path bypasses the response's own).
 */
export function writeChunk(res: ResponseSink, text: string, encoding: 'utf8' | 'latin1' = 'utf8'): boolean {
  if (text.length === 0) return true;
  // The lean server's response frames each write in one piece already.
  if (res instanceof LeanResponse) return res.write(text, encoding);
  const socket = res.socket;
  const st = res as unknown as OutgoingState;
  if (
    socket === null ||
    st._headerSent !== true ||
    st.chunkedEncoding !== true ||
    (st.outputData !== undefined && st.outputData.length > 0) ||
    res.writableEnded ||
    (socket as unknown as { _httpMessage?: unknown })._httpMessage !== res ||
    !socket.writable
  )
    return res.write(text, encoding);
  const bytes = encoding === 'latin1' ? text.length : Buffer.byteLength(text, 'utf8');
  return socket.write(`${bytes.toString(16)}\r\n${text}\r\n`, encoding);
}
