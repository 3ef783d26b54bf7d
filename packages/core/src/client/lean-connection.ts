import { connect, type Socket } from 'node:net';
import { LeanClientError } from './lean-client-error.js';
import type { LeanDispatcher } from './lean-dispatcher.js';
import type { Exchange } from './lean-exchange.js';

/** One pooled TCP connection; it feeds the bytes it reads to the exchange it carries. */
export class LeanConnection {
  readonly socket: Socket;
  exchange: Exchange | undefined;
  /** From the last answer's `Keep-Alive: timeout=` header. */
  keepAliveMs: number | undefined;
  private alive = true;
  /** Set once TCP connected (until then the socket's timeout is the connect timeout). */
  connected = false;
  /** How long it may stay idle in the pool (set when it joins the pool). */
  private idleMs = 0;
  /** Just released: not trusted before the check phase of the loop's next turn (see `LeanDispatcher.release`). */
  fresh = false;
  /** The request that took it while fresh, written at that check phase. */
  queued: Exchange | undefined;

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
      // In use, or (when the request it was opened for gave up first) idle in the pool.
      this.socket.setTimeout(this.exchange === undefined ? this.idleMs : 0);
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
    this.idleMs = ms;
    // Still connecting: the connect timeout stays until it connects.
    if (this.connected) this.socket.setTimeout(ms);
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
