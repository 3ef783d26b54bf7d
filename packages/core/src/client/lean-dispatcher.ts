import type { Dispatcher } from 'undici';
import { LeanClientError } from './lean-client-error.js';
import { LeanConnection } from './lean-connection.js';
import { Exchange } from './lean-exchange.js';

export { LeanClientError } from './lean-client-error.js';

/** What the proxy path needs of a dispatcher: undici's `Dispatcher` has it, and so does {@link LeanDispatcher}. */
export interface UpstreamDispatcher {
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
  close(): Promise<void>;
  /** Ends every request in flight at once (each with an error) and closes the connections. */
  destroy?(): Promise<void>;
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

/** How often timeouts are checked: a timeout fires up to this much late. */
const SWEEP_MS = 100;

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
  /** Connections released since the last check phase, and before it: trusted again at the next (see `release`). */
  private cooling: LeanConnection[] = [];
  private settling: LeanConnection[] = [];
  private spare: LeanConnection[] = [];
  private warming = false;
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
    const idle = p.idle;
    // The most recently used open one that is trusted again, else the most recent `fresh` one: a request on it
    // is written at its check phase (see `release`), which costs less than opening another connection.
    let pick = -1;
    for (let i = idle.length - 1; i >= 0; i--) {
      const c = idle[i] as LeanConnection;
      if (!c.usable) continue; // closing: `forget` takes it out
      if (!c.fresh) {
        pick = i;
        break;
      }
      if (pick < 0) pick = i;
    }
    if (pick >= 0) {
      const conn = idle[pick] as LeanConnection;
      if (pick === idle.length - 1) idle.pop();
      else {
        idle.copyWithin(pick, pick + 1);
        idle.length--;
      }
      return { conn, reused: true };
    }
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

  /**
   * A connection whose exchange ended cleanly and may carry another request: the next waiting one, or the pool.
   * It is `fresh` until the check phase of the next turn of the event loop: a request takes it only when no other
   * idle one is trusted, and is written only then. A server that closes after answering, without saying so, sends
   * its FIN with the answer, but libuv stops at a read that did not fill its buffer and reads the FIN at the next
   * poll; until then the connection looks open, and a request written on it is lost (a POST, never sent again,
   * fails). After that poll a closed one is known and the request waiting on it takes another. (undici waits one
   * check phase, which is before that poll.) Taking a fresh one rather than opening a new one keeps a burst from
   * opening extra connections; one `setImmediate` a turn serves every connection released in it.
   */
  release(conn: LeanConnection): void {
    if (this.closed || !conn.usable) {
      conn.destroy();
      return;
    }
    conn.fresh = true;
    this.cooling.push(conn);
    if (!this.warming) {
      this.warming = true;
      setImmediate(this.warm);
    }
    const p = this.poolOf(conn.origin);
    const next = this.nextWaiting(p);
    if (next !== undefined && next.run(conn, true)) return;
    p.idle.push(conn);
    conn.idleFor(conn.keepAliveMs ?? this.keepAliveTimeoutMs);
  }

  /**
   * A check phase: connections released before the previous one are trusted again, and requests waiting on them
   * written; those released since wait for the next. The lists rotate, nothing is copied.
   */
  private readonly warm = (): void => {
    this.warming = false;
    const released = this.settling;
    this.settling = this.cooling;
    this.cooling = this.spare;
    for (const conn of released) conn.fresh = false;
    for (const conn of released) {
      const exchange = conn.queued;
      if (exchange === undefined) continue;
      // Closed since it was taken: the request, not written, goes to another connection (see `forget`).
      if (this.closed || !conn.usable) this.discard(conn);
      else {
        conn.queued = undefined;
        if (!exchange.run(conn, true)) this.release(conn);
      }
    }
    released.length = 0;
    this.spare = released;
    if (!this.warming && this.settling.length > 0) {
      this.warming = true;
      setImmediate(this.warm);
    }
  };

  /**
   * A connection that closed or failed: it leaves the pool, and the request that took it while fresh (unwritten),
   * else a waiting one, may open a new one.
   */
  forget(conn: LeanConnection): void {
    if (!this.all.delete(conn)) return;
    const p = this.poolOf(conn.origin);
    p.open--;
    const i = p.idle.indexOf(conn);
    if (i >= 0) p.idle.splice(i, 1);
    const queued = conn.queued;
    conn.queued = undefined;
    if (this.closed) {
      queued?.fail(new LeanClientError('the dispatcher is closed', 'UND_ERR_CLOSED'));
      return;
    }
    const next = queued ?? this.nextWaiting(p);
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
