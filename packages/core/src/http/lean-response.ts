import { EventEmitter } from 'node:events';
import { STATUS_CODES, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { HTTP_TOKEN, isFieldText } from './http-syntax.js';

/** What a response needs of the connection it answers on. */
export interface LeanExchange {
  /** The answer has been written whole. */
  ended(res: LeanResponse): void;
  /** Seconds a kept-alive connection may idle (announced in `Keep-Alive: timeout=`). */
  readonly keepAliveSeconds: number;
  /** The server is shutting down: every answer says `Connection: close`. */
  readonly closing: boolean;
}

/**
 * The part of node's ServerResponse the gateway's hot path uses, which `LeanResponse` implements too: a relay or
 * an error answer written against it runs on either server.
 */
export interface ResponseSink {
  readonly socket: Socket | null;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  /** The client's connection is gone before the answer ended. */
  readonly destroyed: boolean;
  setHeader(name: string, value: string): unknown;
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  flushHeaders(): void;
  write(chunk: string | Buffer, encoding?: BufferEncoding): boolean;
  end(chunk?: string | Buffer): unknown;
  destroy(err?: Error): unknown;
  on(event: 'close' | 'drain', listener: () => void): unknown;
  once(event: 'close' | 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
}

/** Headers a response never takes from its caller: the connection's framing is this writer's. */
const FRAMING: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/**
 * An HTTP/1.1 answer written straight to the socket: `writeHead` builds the head (Date, Connection, Keep-Alive
 * and, without a Content-Length, chunked framing, as node:http would), the first write or `flushHeaders` sends
 * it, and every write is one socket write (a chunk's size line, bytes and CRLF in one piece for text). Writes of
 * one tick leave together (the socket is corked until the next tick, as node:http does). 'close' comes once: after
 * the end, or when the client went away first.
 */
export class LeanResponse extends EventEmitter implements ResponseSink {
  statusCode = 200;
  writableEnded = false;
  closeAfter: boolean;
  private head: string | undefined;
  private headWritten = false;
  private chunked = false;
  private noBody = false;
  private extra: Record<string, string> | undefined;
  private corked = false;
  private closed = false;

  constructor(
    private readonly exchange: LeanExchange,
    readonly socket: Socket,
    closeAfter: boolean,
  ) {
    super();
    this.closeAfter = closeAfter;
  }

  /** As node's: the client's connection closed (or was destroyed) before the answer ended. */
  get destroyed(): boolean {
    return this.closed && !this.writableEnded;
  }

  /** As node's: true once the head is built (by `writeHead`), not only once it is on the wire. */
  get headersSent(): boolean {
    return this.head !== undefined;
  }

  setHeader(name: string, value: string): this {
    const lower = name.toLowerCase();
    if (lower === 'connection') {
      if (value.toLowerCase() === 'close') this.closeAfter = true;
    } else (this.extra ??= {})[lower] = value;
    return this;
  }

  writeHead(status: number, headers: OutgoingHttpHeaders = {}): this {
    if (this.head !== undefined)
      throw Object.assign(new Error('Headers already sent'), { code: 'ERR_HTTP_HEADERS_SENT' });
    this.statusCode = status;
    let s = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    let hasLength = false;
    let hasDate = false;
    const all = this.extra === undefined ? headers : { ...this.extra, ...headers };
    for (const name in all) {
      const v = all[name];
      if (v === undefined) continue;
      const lower = name.toLowerCase();
      if (FRAMING.has(lower)) {
        if (lower === 'connection' && String(v).toLowerCase() === 'close') this.closeAfter = true;
        continue;
      }
      if (lower === 'content-length') hasLength = true;
      else if (lower === 'date') hasDate = true;
      if (!HTTP_TOKEN.test(name)) throw invalid('ERR_INVALID_HTTP_TOKEN', 'Header name', name);
      if (Array.isArray(v)) for (const one of v) s += headerLine(name, String(one));
      else s += headerLine(name, String(v));
    }
    if (!hasDate) s += `date: ${httpDate()}\r\n`;
    if (this.exchange.closing) this.closeAfter = true;
    s += this.closeAfter
      ? 'connection: close\r\n'
      : `connection: keep-alive\r\nkeep-alive: timeout=${this.exchange.keepAliveSeconds}\r\n`;
    this.noBody = status === 204 || status === 304 || status < 200;
    if (!hasLength && !this.noBody) {
      this.chunked = true;
      s += 'transfer-encoding: chunked\r\n';
    }
    this.head = s + '\r\n';
    return this;
  }

  flushHeaders(): void {
    if (this.head === undefined) this.writeHead(this.statusCode);
    this.sendHead();
  }

  write(chunk: string | Buffer, encoding: BufferEncoding = 'utf8'): boolean {
    if (this.writableEnded || this.closed) return false;
    if (this.head === undefined) this.writeHead(this.statusCode);
    this.sendHead();
    if (this.noBody || chunk.length === 0) return true;
    const s = this.socket;
    if (!this.chunked) return typeof chunk === 'string' ? s.write(chunk, encoding) : s.write(chunk);
    if (typeof chunk === 'string') {
      const bytes = encoding === 'latin1' ? chunk.length : Buffer.byteLength(chunk, encoding);
      return s.write(`${bytes.toString(16)}\r\n${chunk}\r\n`, encoding);
    }
    s.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
    s.write(chunk);
    return s.write('\r\n', 'latin1');
  }

  end(chunk?: string | Buffer): this {
    if (this.writableEnded) return this;
    if (this.head === undefined) {
      const length =
        chunk === undefined ? 0 : typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      this.writeHead(this.statusCode, { 'content-length': length });
    }
    if (chunk !== undefined) this.write(chunk);
    else this.sendHead();
    if (this.chunked && !this.closed) this.socket.write('0\r\n\r\n', 'latin1');
    // As node:http's end(): fully uncorked, however many corks a caller left (the relay corks a stream's socket
    // and leaves the end to uncork it).
    while (this.socket.writableCorked > 0) this.socket.uncork();
    this.writableEnded = true;
    this.exchange.ended(this);
    process.nextTick(() => this.socketClosed());
    return this;
  }

  destroy(): this {
    this.socket.destroy();
    return this;
  }

  /** The client's connection closed (or the answer ended): 'close', once. */
  socketClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }

  private sendHead(): void {
    if (this.headWritten) return;
    this.headWritten = true;
    if (!this.corked) {
      // Everything written in this tick leaves in one writev.
      this.corked = true;
      this.socket.cork();
      process.nextTick(uncork, this.socket);
    }
    this.socket.write(this.head as string, 'latin1');
  }
}

function uncork(socket: Socket): void {
  socket.uncork();
}

function headerLine(name: string, value: string): string {
  if (!isFieldText(value)) throw invalid('ERR_INVALID_CHAR', 'Invalid character in header content', name);
  return `${name}: ${value}\r\n`;
}

function invalid(code: string, what: string, name: string): Error {
  return Object.assign(new TypeError(`${what} ["${name}"]`), { code });
}

let dateText = '';
let dateSecond = -1;

/** The Date header's value, built once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}
