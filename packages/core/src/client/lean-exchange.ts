import type { Dispatcher } from 'undici';
import { LeanClientError } from './lean-client-error.js';
import type { LeanConnection } from './lean-connection.js';
import type { LeanDispatcher } from './lean-dispatcher.js';
import { requestHead } from './lean-request-head.js';

/** The status line, its CR included unless it is the head's last line (`.` stops at a CR or LF). */
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?\r?$/;
/**
 * A chunk-size line (RFC 9112 §7.1.1), as strict as undici's parser (llhttp): hex digits right before the CRLF or
 * the first `;`, and extensions `;name` or `;name=token` or `;name="quoted"` (where a `;` is text) without spaces.
 */
const CHUNK_SIZE =
  /^([0-9A-Fa-f]+)(?:;[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:=(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t !#-[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"))?)*$/;
const KEEP_ALIVE_TIMEOUT = /timeout=(\d+)/i;
/** A server's `Keep-Alive: timeout=N` is honoured with this margin, so a connection is not reused as it closes. */
const KEEP_ALIVE_MARGIN_MS = 1000;
/** Requests that may be sent again when a reused connection turns out closed before any answer byte. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

const enum Phase {
  Head,
  Fixed,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done,
}

/** One request and its answer, and the controller its handler pauses, resumes and aborts it with. */
export class Exchange implements Dispatcher.DispatchController {
  aborted = false;
  paused = false;
  reason: Error | null = null;
  private conn: LeanConnection | undefined;
  private reused = false;
  private phase = Phase.Head;
  /** Bytes read and not yet parsed (a partial head or chunk-size line, or what waits while paused). */
  private buf: Buffer | undefined;
  private remaining = 0;
  private keepAlive = true;
  private gotBytes = false;
  /** The upstream closed its side while paused: handled once what was read before is consumed (see `onEnd`). */
  private peerEnded = false;
  ended = false;
  /** Monotonic ms after which the current timeout fires (Infinity: none), checked by the pool's sweep. */
  private deadline = Infinity;
  private timeoutMs = 0;
  private headersPhase = true;
  private readonly method: string;
  /** The request's head, built (and checked) once, before it may wait for a connection or be sent again. */
  private head = '';

  constructor(
    private readonly pool: LeanDispatcher,
    private readonly origin: string,
    private readonly options: Dispatcher.DispatchOptions,
    private readonly handler: Dispatcher.DispatchHandler,
  ) {
    this.method = String(options.method ?? 'GET').toUpperCase();
  }

  /** Builds (and checks) the request, then sends it on a connection or waits in line for one. */
  start(): void {
    try {
      this.head = requestHead(this.method, this.options, this.pool.hostOf(this.origin));
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    this.acquire();
  }

  /** A connection now, or a place in its origin's line (again after a reused one turned out closed). */
  acquire(): void {
    const got = this.pool.take(this.origin);
    if (got === undefined) this.pool.wait(this, this.origin);
    else if (!this.run(got.conn, got.reused)) this.pool.release(got.conn);
  }

  /**
   * Writes the request on `conn`: the moment its handler is told the request starts. False when the handler aborts
   * it there (it gave up while waiting for a connection): nothing is written, and `conn` is still free.
   */
  run(conn: LeanConnection, reused: boolean): boolean {
    if (conn.fresh) {
      conn.queued = this; // written at the check phase, once a close that came with the last answer is known
      return true;
    }
    const head = this.head;
    this.handler.onRequestStart?.(this, {});
    if (this.ended) return false;
    this.conn = conn;
    this.reused = reused;
    conn.attach(this);
    if (this.paused) conn.socket.pause();
    this.armTimer(this.options.headersTimeout, true);
    const body = this.options.body;
    if (body === undefined || body === null) conn.socket.write(head, 'latin1');
    else if (Buffer.isBuffer(body)) conn.socket.write(head + body.toString('latin1'), 'latin1');
    else if (typeof body === 'string') {
      conn.socket.write(head, 'latin1');
      conn.socket.write(body, 'utf8');
    } else if (body instanceof Uint8Array) {
      conn.socket.write(head, 'latin1');
      conn.socket.write(body);
    } else this.fail(new LeanClientError('unsupported request body type', 'UND_ERR_INVALID_ARG'));
    return true;
  }

  /** Starts the first-byte (`headers`) or idle timeout, or stops it (no `ms`). Checked by the pool's sweep. */
  private armTimer(ms: number | null | undefined, headers: boolean): void {
    this.timeoutMs = ms ?? 0;
    this.headersPhase = headers;
    this.deadline = ms ? performance.now() + ms : Infinity;
  }

  /** Called by the pool's sweep: fails the exchange if its timeout has passed at `now`. */
  checkDeadline(now: number): void {
    if (this.paused || now < this.deadline) return;
    const ms = this.timeoutMs;
    this.fail(
      this.headersPhase
        ? new LeanClientError(`no response headers within ${ms} ms`, 'UND_ERR_HEADERS_TIMEOUT')
        : new LeanClientError(`no response data for ${ms} ms`, 'UND_ERR_BODY_TIMEOUT'),
    );
  }

  onData(chunk: Buffer): void {
    if (this.ended) return;
    this.gotBytes = true;
    if (this.phase !== Phase.Head && this.timeoutMs > 0) this.deadline = performance.now() + this.timeoutMs;
    this.buf = this.buf === undefined ? chunk : Buffer.concat([this.buf, chunk]);
    this.feed();
  }

  /** Parses what is buffered, handing body bytes to the handler, until it runs out, pauses or the answer ends. */
  private feed(): void {
    try {
      while (!this.ended && !this.paused && this.buf !== undefined && this.step());
    } catch (err) {
      this.fail(err as Error);
    }
  }

  /** Parses the next piece of `buf`; false when the rest must wait for more bytes (or there is no rest). */
  private step(): boolean {
    const buf = this.buf as Buffer;
    switch (this.phase) {
      case Phase.Head: {
        const end = this.find(buf, '\r\n\r\n', 'UND_ERR_INVALID_HEADER');
        if (end < 0) return false;
        if (end + 4 > this.pool.maxHeaderBytes) throw headersTooLarge();
        this.buf = rest(buf, end + 4);
        this.onHead(buf.toString('latin1', 0, end));
        return true;
      }
      case Phase.Fixed: {
        const piece = this.bodyPiece(buf);
        if (piece.length > 0) this.handler.onResponseData?.(this, piece);
        if (this.remaining === 0 && !this.ended) this.complete();
        return true;
      }
      case Phase.UntilClose:
        this.buf = undefined;
        this.handler.onResponseData?.(this, buf);
        return true;
      case Phase.ChunkSize:
      case Phase.Trailers: {
        const nl = this.find(buf, '\r\n', 'UND_ERR_INVALID_CHUNK');
        if (nl < 0) return false;
        const line = buf.toString('latin1', 0, nl);
        this.buf = rest(buf, nl + 2);
        if (this.phase === Phase.Trailers) {
          if (line === '') this.complete();
          else if (line.indexOf('\n') >= 0) throw bareLineEnd('UND_ERR_INVALID_CHUNK');
          return true;
        }
        const m = CHUNK_SIZE.exec(line);
        if (m === null || (m[1] as string).length > 12)
          throw new LeanClientError(
            `invalid chunk size line ${JSON.stringify(line.slice(0, 40))}`,
            'UND_ERR_INVALID_CHUNK',
          );
        this.remaining = parseInt(m[1] as string, 16);
        this.phase = this.remaining === 0 ? Phase.Trailers : Phase.ChunkData;
        return true;
      }
      case Phase.ChunkData: {
        const piece = this.bodyPiece(buf);
        if (this.remaining === 0) this.phase = Phase.ChunkDataEnd;
        this.handler.onResponseData?.(this, piece);
        return true;
      }
      case Phase.ChunkDataEnd: {
        if (buf.length < 2) return this.stall(buf);
        if (buf[0] !== 13 || buf[1] !== 10)
          throw new LeanClientError('chunk data not followed by CRLF', 'UND_ERR_INVALID_CHUNK');
        this.buf = rest(buf, 2);
        this.phase = Phase.ChunkSize;
        return true;
      }
      case Phase.Done:
        return false;
    }
  }

  /**
   * Where `delim` starts in `buf`; -1 when it has not arrived yet: what there is waits for the next read, unless it
   * can never end as it should, being longer than a head may be, or holding a line ended by a LF (or CR) alone
   * (thrown with `code`, as undici's parser does, rather than left to a timeout).
   */
  private find(buf: Buffer, delim: string, code: string): number {
    const at = buf.indexOf(delim);
    if (at < 0) {
      if (buf.length > this.pool.maxHeaderBytes)
        throw this.phase === Phase.Head
          ? headersTooLarge()
          : new LeanClientError('chunk size or trailer line too long', code);
      if (hasBareLineEnd(buf)) throw bareLineEnd(code);
      this.stall(buf);
    }
    return at;
  }

  /** Up to `remaining` body bytes from the front of `buf` (the rest stays buffered), counted off `remaining`. */
  private bodyPiece(buf: Buffer): Buffer {
    const n = Math.min(this.remaining, buf.length);
    this.buf = rest(buf, n);
    this.remaining -= n;
    return n === buf.length ? buf : buf.subarray(0, n);
  }

  /** Keeps a partial line (a copy: not the whole read it came in) until the next read. */
  private stall(buf: Buffer): false {
    this.buf = Buffer.from(buf);
    return false;
  }

  /** Parses a response head: `text` is its lines up to (not including) the CRLF that ends the last one. */
  private onHead(text: string): void {
    // Split at LF, each line but the last then ending in its CR: a LF without one is refused (as by undici), as
    // is a CR elsewhere, so no line end is read differently here than by another parser on the path.
    const lines = text.split('\n');
    const last = lines.length - 1;
    for (let i = 0; i <= last; i++) {
      const line = lines[i] as string;
      if (line.indexOf('\r') !== (i < last ? line.length - 1 : -1))
        throw bareLineEnd('UND_ERR_INVALID_HEADER');
    }
    const m = STATUS_LINE.exec(lines[0] as string);
    if (m === null)
      throw new LeanClientError(
        `invalid status line ${JSON.stringify((lines[0] ?? '').trimEnd().slice(0, 40))}`,
        'UND_ERR_INVALID_STATUS',
      );
    const status = Number(m[2]);
    const headers: Record<string, string | string[]> = {};
    let length = -1;
    let transferEncoding = false;
    let chunked = false;
    let connection = '';
    let keepAliveS = -1;
    for (let i = 1; i <= last; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      // No space before the name (obs-fold) nor between it and the colon (RFC 9112 §5.1, refused by undici).
      const before = line.charCodeAt(colon - 1);
      const first = line.charCodeAt(0);
      if (colon <= 0 || first === 32 || first === 9 || before === 32 || before === 9)
        throw new LeanClientError('invalid response header line', 'UND_ERR_INVALID_HEADER');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim(); // the line's CR goes with the value's trailing space
      const prev = headers[name];
      headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
      if (name === 'content-length') {
        if (!/^\d+$/.test(value) || (length >= 0 && Number(value) !== length))
          throw new LeanClientError('invalid content-length', 'UND_ERR_INVALID_CONTENT_LENGTH');
        length = Number(value);
      } else if (name === 'transfer-encoding') {
        transferEncoding = true;
        chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
      } else if (name === 'connection') connection += `${value.toLowerCase()},`;
      else if (name === 'keep-alive') {
        const t = KEEP_ALIVE_TIMEOUT.exec(value);
        if (t) keepAliveS = Number(t[1]);
      }
    }
    if (status >= 100 && status < 200) {
      if (status === 101) throw new LeanClientError('upgrade not supported', 'UND_ERR_NOT_SUPPORTED');
      // An interim answer (100 Continue, 103 Early Hints): the real one follows, and only its headers count.
      return;
    }
    // A transfer coding other than chunked last is read to the close (RFC 9112 §6.3), so a length beside it is
    // a contradiction that could desynchronise a parser on the path: refused, as undici does.
    if (transferEncoding && !chunked && length >= 0)
      throw new LeanClientError(
        'content-length beside a transfer-encoding that does not end in chunked',
        'UND_ERR_INVALID_CONTENT_LENGTH',
      );
    if (keepAliveS >= 0)
      (this.conn as LeanConnection).keepAliveMs = Math.min(
        this.pool.keepAliveTimeoutMs,
        keepAliveS * 1000 - KEEP_ALIVE_MARGIN_MS,
      );
    this.keepAlive = m[1] === '1' ? !/(?:^|,)\s*close\s*,/.test(connection) : /keep-alive/.test(connection);
    // A server that keeps idle connections a second or less: reusing one would race its close.
    const keepAliveMs = (this.conn as LeanConnection).keepAliveMs;
    if (keepAliveMs !== undefined && keepAliveMs <= 0) this.keepAlive = false;
    this.handler.onResponseStart?.(this, status, headers, m[3] ?? '');
    if (this.ended) return;
    this.armTimer(this.options.bodyTimeout, false);
    if (this.method === 'HEAD' || status === 204 || status === 304) this.complete();
    else if (chunked) {
      this.phase = Phase.ChunkSize;
      // Both framings announced (RFC 9112 §6.3): chunked wins, and the connection is not trusted afterwards.
      if (length >= 0) this.keepAlive = false;
    } else if (length >= 0) {
      this.phase = Phase.Fixed;
      this.remaining = length;
      if (length === 0) this.complete();
    } else {
      this.phase = Phase.UntilClose;
      this.keepAlive = false;
    }
  }

  private complete(): void {
    this.phase = Phase.Done;
    // Bytes after a whole answer on a connection without pipelining: it is out of step, not to be reused.
    if (this.buf !== undefined) this.keepAlive = false;
    this.buf = undefined;
    this.finishWith(() => this.handler.onResponseEnd?.(this, {}));
  }

  /**
   * The upstream closed its side: the end of a close-delimited answer, else a failure. While paused, what was read
   * before the close may still hold the rest of the answer (a whole chunked body often comes with its FIN): it is
   * decided once that has been consumed, after `resume`.
   */
  onEnd(): void {
    if (this.ended) return;
    if (this.paused) {
      this.peerEnded = true;
      return;
    }
    this.peerEnded = false;
    if (this.phase === Phase.UntilClose) {
      this.keepAlive = false;
      this.complete();
      return;
    }
    this.onSocketError(new LeanClientError('upstream closed the connection', 'UND_ERR_SOCKET'));
  }

  onSocketError(err: Error): void {
    // After the upstream's FIN (held while paused) everything was read: the socket's close is no news.
    if (this.ended || this.peerEnded) return;
    // A reused connection the server had closed while idle, before any answer: the request never reached it.
    const conn = this.conn;
    if (
      this.reused &&
      !this.gotBytes &&
      IDEMPOTENT.has(this.method) &&
      conn !== undefined &&
      !this.pool.closed
    ) {
      conn.exchange = undefined;
      this.pool.discard(conn);
      this.conn = undefined;
      this.reused = false;
      this.acquire();
      return;
    }
    this.fail(err);
  }

  /** Ends the exchange with an error (once); the connection is not reused. */
  fail(err: Error): void {
    if (this.ended) return;
    this.keepAlive = false;
    this.finishWith(() => this.handler.onResponseError?.(this, err));
  }

  private finishWith(report: () => void): void {
    this.ended = true;
    this.deadline = Infinity;
    const conn = this.conn;
    this.conn = undefined;
    if (conn !== undefined) {
      conn.exchange = undefined;
      if (this.keepAlive && this.phase === Phase.Done) this.pool.release(conn);
      else this.pool.discard(conn);
    }
    report();
  }

  pause(): void {
    if (this.ended || this.paused) return;
    this.paused = true;
    this.conn?.socket.pause();
    // Waiting for the client is not the upstream being idle: the sweep skips a paused exchange.
  }

  resume(): void {
    if (this.ended || !this.paused) return;
    this.paused = false;
    this.conn?.socket.resume();
    if (this.phase !== Phase.Head) this.armTimer(this.options.bodyTimeout, false);
    // What was read before the pause is parsed on the next tick, not inside the caller.
    process.nextTick(() => {
      this.feed();
      if (this.peerEnded) this.onEnd();
    });
  }

  abort(reason: Error): void {
    if (this.ended) return;
    this.aborted = true;
    this.reason = reason;
    this.fail(reason);
  }
}

function headersTooLarge(): LeanClientError {
  return new LeanClientError('response headers too large', 'UND_ERR_HEADERS_OVERFLOW');
}

function bareLineEnd(code: string): LeanClientError {
  return new LeanClientError('invalid response: a line ended by LF without CR (or a CR alone)', code);
}

/** True when `buf` holds a LF not preceded by a CR, or a CR followed by anything but a LF. */
function hasBareLineEnd(buf: Buffer): boolean {
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1))
    if (i === 0 || buf[i - 1] !== 13) return true;
  for (let i = buf.indexOf(13); i >= 0 && i + 1 < buf.length; i = buf.indexOf(13, i + 1))
    if (buf[i + 1] !== 10) return true;
  return false;
}

/** What follows `from` in a read, if anything. */
function rest(buf: Buffer, from: number): Buffer | undefined {
  return from >= buf.length ? undefined : buf.subarray(from);
}
