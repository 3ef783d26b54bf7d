import { connect, type Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { HTTP_TOKEN } from '../http/http-syntax.js';

/** What the proxy path needs of a dispatcher: undici's `Dispatcher` has it, and so does {@link LeanDispatcher}. */
export interface UpstreamDispatcher {
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
  close(): Promise<void>;
  /** Ends every request in flight at once (each with an error) and closes the connections. */
  destroy?(): Promise<void>;
}

/** An error of the lean client, with a stable `code` like undici's (the proxy maps the timeout codes). */
export class LeanClientError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'LeanClientError';
  }
}

export interface LeanDispatcherOptions {
  /**
   * Connections per origin at most (null: no limit). Beyond it a request waits, in order, for a connection to be
   * released; its handler's `onRequestStart` runs when it is written, so the wait is not counted as latency.
   */
  connections?: number | null;
  /** An idle pooled connection is closed after this long (or earlier, when the server says `Keep-Alive: timeout=`). */
  keepAliveTimeoutMs?: number;
  /** Largest response head (status line and headers) accepted. */
  maxHeaderBytes?: number;
  connectTimeoutMs?: number;
}

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
/** RFC 9110 token: what a header name may be. */
/** A request target with whitespace or a control character would split the request line. */
const BAD_PATH = /[\s\0]/;
const BAD_VALUE = /[\r\n\0]/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]+)[ \t]*(?:;.*)?$/;
const KEEP_ALIVE_TIMEOUT = /timeout=(\d+)/i;
/** A server's `Keep-Alive: timeout=N` is honoured with this margin, so a connection is not reused as it closes. */
const KEEP_ALIVE_MARGIN_MS = 1000;
/** How often timeouts are checked: a timeout fires up to this much late. */
const SWEEP_MS = 100;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
/** Requests that may be sent again when a reused connection turns out closed before any answer byte. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * A keep-alive HTTP/1.1 client for plain-`http:` upstreams, behind undici's dispatch-handler interface: the
 * request goes out as one write, the answer's head is parsed from the bytes as read, and body bytes (de-chunked)
 * go to the handler as slices of the socket's reads. It does one thing — one request at a time per pooled
 * connection, no pipelining, no redirects, no upgrades — with ~half the CPU of undici's layers on the gateway's
 * hot path (README, design notes). Every other origin (`https:`) goes to the fallback dispatcher.
 */
export class LeanDispatcher implements UpstreamDispatcher {
  /** Per origin: idle connections (most recently used last), how many are open, and requests waiting for one. */
  private readonly origins = new Map<string, OriginPool>();
  /** `host` header value per origin. */
  private readonly hosts = new Map<string, string>();
  /**
   * Every open connection, idle or busy. It changes when a connection opens or closes, never per request: a Set
   * that takes and drops an entry per request churns its table (V8 shrinks and regrows it in old space), which
   * measured ~20 µs a request in GC and page mapping at 2,000 requests/s.
   */
  private readonly all = new Set<LeanConnection>();
  private sweeper: NodeJS.Timeout | undefined;
  closed = false;
  readonly keepAliveTimeoutMs: number;
  readonly maxHeaderBytes: number;
  readonly connectTimeoutMs: number;
  private readonly maxConnections: number | null;

  constructor(
    private readonly fallback: UpstreamDispatcher,
    opts: LeanDispatcherOptions = {},
  ) {
    this.keepAliveTimeoutMs = opts.keepAliveTimeoutMs ?? 60_000;
    this.maxHeaderBytes = opts.maxHeaderBytes ?? 64 * 1024;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.maxConnections = opts.connections ?? null;
  }

  /** Connections open now: idle in the pool and busy with a request. */
  get connections(): number {
    return this.all.size;
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = String(options.origin ?? '');
    if (!origin.startsWith('http://')) return this.fallback.dispatch(options, handler);
    const exchange = new Exchange(this, origin, options, handler);
    if (this.closed) {
      exchange.fail(new LeanClientError('the dispatcher is closed', 'UND_ERR_CLOSED'));
      return false;
    }
    exchange.start();
    return true;
  }

  hostOf(origin: string): string {
    let host = this.hosts.get(origin);
    if (host === undefined) {
      host = new URL(origin).host;
      if (this.hosts.size >= 1000) this.hosts.clear();
      this.hosts.set(origin, host);
    }
    return host;
  }

  /** A new connection joins the set the timeout sweep goes through. */
  track(conn: LeanConnection): void {
    this.all.add(conn);
    if (this.sweeper === undefined) {
      this.sweeper = setInterval(this.sweep, SWEEP_MS);
      this.sweeper.unref();
    }
  }

  /**
   * Timeouts are deadlines, checked every {@link SWEEP_MS} by one sweep over the open connections (unref'd, and
   * running only while there are any), not a timer per request: a request then sets a number, not two timers.
   */
  private readonly sweep = (): void => {
    if (this.all.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
      return;
    }
    const now = performance.now();
    for (const c of this.all) c.exchange?.checkDeadline(now);
  };

  private poolOf(origin: string): OriginPool {
    let p = this.origins.get(origin);
    if (p === undefined) {
      p = { idle: [], open: 0, waiting: [], head: 0 };
      this.origins.set(origin, p);
    }
    return p;
  }

  /**
   * A pooled connection to `origin` (the most recently used), or a new one; undefined when the origin has as many
   * as allowed, all busy: the caller then waits in line (see `wait`).
   */
  take(origin: string): { conn: LeanConnection; reused: boolean } | undefined {
    const p = this.poolOf(origin);
    let conn = p.idle.pop();
    while (conn !== undefined && !conn.usable) conn = p.idle.pop();
    if (conn !== undefined) return { conn, reused: true };
    if (this.maxConnections !== null && p.open >= this.maxConnections) return undefined;
    p.open++;
    return { conn: new LeanConnection(this, origin), reused: false };
  }

  /** A request waits for a connection of its origin to be released or closed. */
  wait(exchange: Exchange, origin: string): void {
    this.poolOf(origin).waiting.push(exchange);
  }

  /** The next request waiting for `origin` that is still wanted (an aborted one is skipped). */
  private nextWaiting(p: OriginPool): Exchange | undefined {
    while (p.head < p.waiting.length) {
      const e = p.waiting[p.head++] as Exchange;
      if (p.head === p.waiting.length) {
        p.waiting.length = 0;
        p.head = 0;
      }
      if (!e.ended) return e;
    }
    return undefined;
  }

  /** A connection whose exchange ended cleanly and may carry another request: the next waiting one, or the pool. */
  release(conn: LeanConnection): void {
    if (this.closed || !conn.usable) {
      conn.destroy();
      return;
    }
    const p = this.poolOf(conn.origin);
    const next = this.nextWaiting(p);
    if (next !== undefined) {
      next.run(conn, true);
      return;
    }
    p.idle.push(conn);
    conn.idleFor(conn.keepAliveMs ?? this.keepAliveTimeoutMs);
  }

  /** A connection that closed or failed: it leaves the pool, and a waiting request may open a new one. */
  forget(conn: LeanConnection): void {
    if (!this.all.delete(conn)) return;
    const p = this.poolOf(conn.origin);
    p.open--;
    const i = p.idle.indexOf(conn);
    if (i >= 0) p.idle.splice(i, 1);
    if (this.closed) return;
    const next = this.nextWaiting(p);
    if (next !== undefined) next.acquire();
  }

  /** Takes a connection out of service for good: closed, and out of the pool's count. */
  discard(conn: LeanConnection): void {
    conn.destroy();
    this.forget(conn);
  }

  /** Fails every request still waiting for a connection (the dispatcher is closing). */
  private failWaiting(): void {
    for (const p of this.origins.values()) {
      const waiting = p.waiting.slice(p.head);
      p.waiting.length = 0;
      p.head = 0;
      for (const e of waiting) e.fail(new LeanClientError('the dispatcher is closed', 'UND_ERR_CLOSED'));
    }
  }

  /** Closes idle connections now and busy ones once their exchange ends (within a second), then the fallback. */
  async close(): Promise<void> {
    this.closed = true;
    this.failWaiting();
    for (const p of this.origins.values()) for (const c of p.idle.splice(0)) c.destroy();
    // Busy ones end with their exchange (the gateway drains first); past a second they are cut.
    const busy = (): boolean => [...this.all].some((c) => c.exchange !== undefined);
    for (let waited = 0; busy() && waited < 1000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    for (const c of [...this.all]) c.destroy();
    await this.fallback.close();
  }

  /** Cuts every connection now: requests in flight end with `UND_ERR_SOCKET` (or the error the socket had). */
  async destroy(): Promise<void> {
    this.closed = true;
    this.failWaiting();
    for (const p of this.origins.values()) p.idle.length = 0;
    for (const c of [...this.all]) c.destroy();
    await (this.fallback.destroy ?? this.fallback.close).call(this.fallback);
  }
}

interface OriginPool {
  idle: LeanConnection[];
  /** Connections open (idle, busy or connecting). */
  open: number;
  /** Requests waiting for a connection, oldest first from `head`. */
  waiting: Exchange[];
  head: number;
}

/** One pooled TCP connection; it feeds the bytes it reads to the exchange it carries. */
class LeanConnection {
  readonly socket: Socket;
  exchange: Exchange | undefined;
  /** From the last answer's `Keep-Alive: timeout=` header. */
  keepAliveMs: number | undefined;
  private alive = true;
  /** Set once TCP connected (until then the socket's timeout is the connect timeout). */
  connected = false;

  constructor(
    private readonly pool: LeanDispatcher,
    readonly origin: string,
  ) {
    pool.track(this);
    const url = new URL(origin);
    this.socket = connect({
      host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: Number(url.port || 80),
      noDelay: true,
    });
    this.socket.setTimeout(pool.connectTimeoutMs);
    this.socket.once('connect', () => {
      this.connected = true;
      this.socket.setTimeout(0);
    });
    this.socket.on('data', (chunk: Buffer) => {
      if (this.exchange) this.exchange.onData(chunk);
      else this.destroy(); // bytes nobody asked for: the connection is out of step
    });
    this.socket.on('timeout', () => {
      if (this.exchange && !this.connected)
        this.exchange.fail(new LeanClientError('connect timeout', 'UND_ERR_CONNECT_TIMEOUT'));
      this.destroy();
    });
    this.socket.on('end', () => {
      this.alive = false;
      if (this.exchange) this.exchange.onEnd();
      this.destroy();
    });
    this.socket.on('error', (err) => {
      this.alive = false;
      this.exchange?.onSocketError(err);
    });
    this.socket.on('close', () => {
      this.alive = false;
      this.pool.forget(this);
      this.exchange?.onSocketError(new LeanClientError('upstream closed the connection', 'UND_ERR_SOCKET'));
    });
  }

  get usable(): boolean {
    return this.alive && !this.socket.destroyed;
  }

  /** Waits in the pool: closed after `ms` unless taken. */
  idleFor(ms: number): void {
    this.exchange = undefined;
    this.socket.setTimeout(ms);
    this.socket.unref();
  }

  attach(exchange: Exchange): void {
    this.exchange = exchange;
    // A new connection keeps its connect timeout until it connects.
    if (this.connected) this.socket.setTimeout(0);
    this.socket.ref();
  }

  /** Takes it out of service (it was left in the middle of an exchange, or is no longer wanted). */
  destroy(): void {
    this.alive = false;
    if (!this.socket.destroyed) this.socket.destroy();
  }
}

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
class Exchange implements Dispatcher.DispatchController {
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
      this.head = this.requestHead();
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
    else this.run(got.conn, got.reused);
  }

  /** Writes the request on `conn`: the moment its handler is told the request starts. */
  run(conn: LeanConnection, reused: boolean): void {
    const head = this.head;
    this.conn = conn;
    this.reused = reused;
    conn.attach(this);
    this.handler.onRequestStart?.(this, {});
    if (this.ended) return; // aborted by the handler
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
  }

  private requestHead(): string {
    const o = this.options;
    let head = `${this.method} ${o.path} HTTP/1.1\r\nhost: ${this.pool.hostOf(this.origin)}\r\n`;
    if (BAD_PATH.test(o.path) || !HTTP_TOKEN.test(this.method))
      throw new LeanClientError('invalid request method or path', 'UND_ERR_INVALID_ARG');
    const headers = o.headers as Record<string, string | string[] | undefined> | null | undefined;
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
    const body = o.body;
    const length =
      body === undefined || body === null
        ? METHODS_WITH_BODY.has(this.method)
          ? 0
          : -1
        : typeof body === 'string'
          ? Buffer.byteLength(body)
          : (body as Uint8Array).length;
    if (length >= 0) head += `content-length: ${length}\r\n`;
    return `${head}\r\n`;
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
        const end = this.find(buf, '\r\n\r\n', 'response headers too large', 'UND_ERR_HEADERS_OVERFLOW');
        if (end < 0) return false;
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
        const nl = this.find(buf, '\r\n', 'chunk size or trailer line too long', 'UND_ERR_INVALID_CHUNK');
        if (nl < 0) return false;
        const line = buf.toString('latin1', 0, nl);
        this.buf = rest(buf, nl + 2);
        if (this.phase === Phase.Trailers) {
          if (line === '') this.complete();
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
   * Where `delim` starts in `buf`; -1 when it has not arrived yet (what there is waits for the next read, unless it
   * is already longer than a head may be: then `tooLong` is thrown with `code`).
   */
  private find(buf: Buffer, delim: string, tooLong: string, code: string): number {
    const at = buf.indexOf(delim);
    if (at < 0) {
      if (buf.length > this.pool.maxHeaderBytes) throw new LeanClientError(tooLong, code);
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

  private onHead(text: string): void {
    const lines = text.split('\r\n');
    const m = STATUS_LINE.exec(lines[0] as string);
    if (m === null)
      throw new LeanClientError(
        `invalid status line ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`,
        'UND_ERR_INVALID_STATUS',
      );
    const status = Number(m[2]);
    const headers: Record<string, string | string[]> = {};
    let length = -1;
    let chunked = false;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon <= 0 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9)
        throw new LeanClientError('invalid response header line', 'UND_ERR_INVALID_HEADER');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const prev = headers[name];
      headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
      if (name === 'content-length') {
        if (!/^\d+$/.test(value) || (length >= 0 && Number(value) !== length))
          throw new LeanClientError('invalid content-length', 'UND_ERR_INVALID_CONTENT_LENGTH');
        length = Number(value);
      } else if (name === 'transfer-encoding') chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
      else if (name === 'connection') connection += `${value.toLowerCase()},`;
      else if (name === 'keep-alive') {
        const t = KEEP_ALIVE_TIMEOUT.exec(value);
        if (t) {
          const ms = Number(t[1]) * 1000 - KEEP_ALIVE_MARGIN_MS;
          (this.conn as LeanConnection).keepAliveMs = Math.min(this.pool.keepAliveTimeoutMs, ms);
        }
      }
    }
    if (status >= 100 && status < 200) {
      if (status === 101) throw new LeanClientError('upgrade not supported', 'UND_ERR_NOT_SUPPORTED');
      return; // an interim answer (100 Continue, 103 Early Hints): the real one follows
    }
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

  /** The upstream closed its side: the end of a close-delimited answer, else a failure. */
  onEnd(): void {
    if (this.ended) return;
    if (this.phase === Phase.UntilClose) {
      this.keepAlive = false;
      this.complete();
      return;
    }
    this.onSocketError(new LeanClientError('upstream closed the connection', 'UND_ERR_SOCKET'));
  }

  onSocketError(err: Error): void {
    if (this.ended) return;
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
    process.nextTick(() => this.feed());
  }

  abort(reason: Error): void {
    if (this.ended) return;
    this.aborted = true;
    this.reason = reason;
    this.fail(reason);
  }
}

/** One request header line; a value that would split the request is refused. */
function headerLine(name: string, value: string): string {
  if (BAD_VALUE.test(value))
    throw new LeanClientError(`invalid value of request header ${name}`, 'UND_ERR_INVALID_ARG');
  return `${name}: ${value}\r\n`;
}

/** What follows `from` in a read, if anything. */
function rest(buf: Buffer, from: number): Buffer | undefined {
  return from >= buf.length ? undefined : buf.subarray(from);
}
