import type { IncomingHttpHeaders, Server } from 'node:http';
import { maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import { CoreErrors } from '../errors/core-errors.js';
import { toErrorResponse } from '../errors/to-envelope.js';
import { LeanResponse, type LeanExchange } from './lean-response.js';
import { parsePlainRequestHead, type PlainRequestHead } from './request-head.js';

/** A plain request the lean path answers: its whole body has arrived. */
export class LeanRequest {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: IncomingHttpHeaders,
    readonly body: Buffer,
    readonly socket: Socket,
  ) {}
}

export interface LeanPathOptions {
  /** Request targets the lean path may take, e.g. `/v1/`; every other request goes to node:http. */
  prefix: string;
  /** A larger declared body goes to node:http (whose route answers it), so the lean path never buffers it. */
  maxBodyBytes: number;
  handle(req: LeanRequest, res: LeanResponse): void;
}

export interface LeanPath {
  /** Connections the lean path holds now (not the ones handed to node:http). */
  readonly connections: number;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** Bytes a client may send ahead (pipelined) while its answer is in flight before its socket is paused. */
const AHEAD_LIMIT = 64 * 1024;
const SWEEP_MS = 1000;

/**
 * Puts a lean HTTP/1.1 path in front of a node:http server for plain requests under `prefix` (the gateway's
 * /v1 relay): it parses the head itself, waits for the Content-Length body, and answers through a `LeanResponse`
 * that writes the status line, headers and body straight to the socket. node:http's per-request machinery
 * (IncomingMessage and ServerResponse streams, their events and queues) costs more than the relay's own work.
 *
 * Anything that is not plain (see `parsePlainRequestHead`: another route, chunked or oversized bodies, Expect,
 * Upgrade, HTTP/1.0, odd syntax, an oversized head) goes to node:http with its bytes untouched, at a request
 * boundary, and the connection stays there: node:http sees it as a new connection and answers as it always
 * would. The server's own keepAliveTimeout, headersTimeout and requestTimeout apply to the lean connections too,
 * and its closeIdleConnections/closeAllConnections close them as well.
 */
export function attachLeanPath(server: Server, opts: LeanPathOptions): LeanPath {
  const conns = new Set<LeanConnection>();
  const emit = server.emit.bind(server) as (event: string, ...args: unknown[]) => boolean;
  const path: PathState = {
    opts,
    server,
    maxHead: maxHeaderSize,
    handOff: (socket) => emit('connection', socket),
    forget: (c) => conns.delete(c),
  };
  server.emit = function (event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'connection') return emit(event as string, ...args);
    conns.add(new LeanConnection(args[0] as Socket, path));
    return true;
  };
  const closeIdle = server.closeIdleConnections.bind(server);
  const closeAll = server.closeAllConnections.bind(server);
  server.closeIdleConnections = () => {
    closeIdle();
    for (const c of conns) if (c.idle) c.socket.destroy();
  };
  server.closeAllConnections = () => {
    closeAll();
    for (const c of conns) c.socket.destroy();
  };
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const c of conns) c.checkDeadline(now);
  }, SWEEP_MS).unref();
  server.once('close', () => clearInterval(sweep));
  return {
    get connections() {
      return conns.size;
    },
  };
}

interface PathState {
  opts: LeanPathOptions;
  server: Server;
  maxHead: number;
  handOff(socket: Socket): void;
  forget(c: LeanConnection): void;
}

/** One client connection on the lean path: one request at a time, the next parsed when its answer has ended. */
class LeanConnection implements LeanExchange {
  private buf: Buffer | undefined;
  /** How far `buf` has been searched for the end of the head (a head split over reads is not searched twice). */
  private searched = 0;
  /** The request whose body is being read. */
  private head: PlainRequestHead | undefined;
  /** Its body's reads so far, when it did not come with its head; `filled` bytes of it. */
  private parts: Buffer[] | undefined;
  private filled = 0;
  private res: LeanResponse | undefined;
  /** Date.now() past which the connection is closed (idle) or answered 408 (a request too slow to arrive); 0: none. */
  private deadline = 0;
  /** Date.now() when the first byte of the request being read came. */
  private requestStart: number;
  private gone = false;

  constructor(
    readonly socket: Socket,
    private readonly p: PathState,
  ) {
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', noop);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    // No deadline before the first byte, as node:http (its timeouts start with a message): a client may open a
    // connection ahead of its first request, and one closed under it would fail that request unanswered.
    this.requestStart = Date.now();
  }

  /** Between requests with nothing received of the next one. */
  get idle(): boolean {
    return this.res === undefined && this.buf === undefined && this.head === undefined;
  }

  get keepAliveSeconds(): number {
    return Math.floor(this.p.server.keepAliveTimeout / 1000);
  }

  get closing(): boolean {
    return !this.p.server.listening;
  }

  private readonly onData = (d: Buffer): void => {
    if (this.parts !== undefined) {
      this.fill(d);
      return;
    }
    const fresh = this.buf === undefined;
    this.buf = fresh ? d : Buffer.concat([this.buf as Buffer, d]);
    if (this.res !== undefined) {
      if (this.buf.length > AHEAD_LIMIT) this.socket.pause();
      return;
    }
    if (fresh) {
      this.requestStart = Date.now();
      this.deadline = after(this.requestStart, this.p.server.headersTimeout);
    }
    this.parse();
  };

  /**
   * The client half-closed: as node:http (without httpAllowHalfOpen), the connection ends; an answer in flight
   * sees 'close'.
   */
  private readonly onEnd = (): void => {
    this.socket.end();
  };

  private readonly onClose = (): void => {
    this.gone = true;
    this.p.forget(this);
    this.res?.socketClosed();
  };

  /** Reads the next request's head from `buf`; its body, whole, is dispatched at once or as `fill` completes it. */
  private parse(): void {
    const buf = this.buf;
    if (buf === undefined || this.gone || this.res !== undefined) return;
    const end = buf.indexOf(CRLFCRLF, Math.max(0, this.searched - 3));
    if (end < 0) {
      this.searched = buf.length;
      if (buf.length > this.p.maxHead) this.handOff();
      return;
    }
    this.searched = 0;
    const head =
      end > this.p.maxHead
        ? undefined
        : parsePlainRequestHead(buf.toString('latin1', 0, end), this.p.opts.prefix);
    if (head === undefined || head.bodyBytes > this.p.opts.maxBodyBytes) {
      this.handOff();
      return;
    }
    this.head = head;
    this.deadline = after(this.requestStart, this.p.server.requestTimeout);
    const start = end + 4;
    const total = start + head.bodyBytes;
    if (buf.length >= total) {
      this.buf = buf.length > total ? buf.subarray(total) : undefined;
      this.dispatch(head, buf.subarray(start, total));
      return;
    }
    // The rest of the body comes in later reads: kept as they come and joined once (no copy per read).
    this.parts = [buf.subarray(start)];
    this.filled = buf.length - start;
    this.buf = undefined;
  }

  private fill(d: Buffer): void {
    const head = this.head as PlainRequestHead;
    const parts = this.parts as Buffer[];
    const need = head.bodyBytes - this.filled;
    if (d.length < need) {
      parts.push(d);
      this.filled += d.length;
      return;
    }
    parts.push(need === d.length ? d : d.subarray(0, need));
    this.parts = undefined;
    this.buf = need < d.length ? d.subarray(need) : undefined;
    this.dispatch(head, Buffer.concat(parts, head.bodyBytes));
  }

  private dispatch(head: PlainRequestHead, body: Buffer): void {
    this.head = undefined;
    this.deadline = 0;
    const req = new LeanRequest(head.method, head.url, head.headers, body, this.socket);
    const res = new LeanResponse(this, this.socket, head.close);
    this.res = res;
    try {
      this.p.opts.handle(req, res);
    } catch (err) {
      // As a throwing node:http 'request' listener: the error surfaces, and this connection does not hang on.
      this.socket.destroy();
      throw err;
    }
  }

  /** The answer has been written whole: the connection closes or takes the next request. */
  ended(res: LeanResponse): void {
    if (this.res !== res) return;
    this.res = undefined;
    if (res.closeAfter) {
      this.socket.end();
      return;
    }
    if (this.socket.isPaused()) this.socket.resume();
    this.requestStart = Date.now();
    if (this.buf === undefined) {
      // As node:http: a second past the advertised `Keep-Alive: timeout`, so a client that trusts it and sends
      // just before it ends does not meet a closing connection.
      const ka = this.p.server.keepAliveTimeout;
      this.deadline = ka > 0 ? this.requestStart + ka + KEEP_ALIVE_GRACE_MS : 0;
      return;
    }
    // A pipelined request that arrived meanwhile: parsed after the answer's writes, in order.
    this.deadline = after(this.requestStart, this.p.server.headersTimeout);
    process.nextTick(() => this.parse());
  }

  checkDeadline(now: number): void {
    if (this.deadline === 0 || now <= this.deadline || this.gone) return;
    if (this.idle) {
      this.socket.destroy();
      return;
    }
    // Part of a request came and the rest is late: 408 in the envelope, then the connection closes.
    const e = toErrorResponse(CoreErrors.error('request_timeout'));
    const body = JSON.stringify(e.body);
    this.socket.end(
      `HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    this.gone = true;
    this.p.forget(this);
  }

  /** node:http takes the connection from here on, with the bytes of the request not taken. */
  private handOff(): void {
    this.gone = true;
    this.p.forget(this);
    const s = this.socket;
    s.off('data', this.onData);
    s.off('error', noop);
    s.off('end', this.onEnd);
    s.off('close', this.onClose);
    const buf = this.buf;
    this.buf = undefined;
    this.p.handOff(s);
    // After node:http's listeners are on: the bytes go straight to its parser, ahead of anything read later.
    if (buf !== undefined) s.unshift(buf);
  }
}

function noop(): void {}

/** What node:http waits past its keepAliveTimeout before it closes an idle connection. */
const KEEP_ALIVE_GRACE_MS = 1000;

/** A deadline `ms` after `t`; a timeout of 0 means none (node:http's convention). */
function after(t: number, ms: number): number {
  return ms > 0 ? t + ms : 0;
}
