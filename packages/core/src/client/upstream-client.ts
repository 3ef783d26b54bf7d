import { Agent, type Dispatcher } from 'undici';
import { SseParser, type SseEvent } from '../sse/index.js';
import { monoNow } from '../time.js';
import { classifyStatus, classifyTransportError, UpstreamClientError } from './client-error.js';
import { LeanDispatcher, type UpstreamDispatcher } from './lean-dispatcher.js';
import { errorMessageOf, MeasureHandler } from './measure-handler.js';
import type { RequestMeasurement } from './request-measurement.js';

export interface ClientTimeouts {
  /** Establishing the TCP/TLS connection. */
  connectMs: number;
  /** Request sent → response headers. */
  firstByteMs: number;
  /** Longest gap between body chunks (and between headers and the first chunk). */
  idleMs: number;
  /** The whole request, body included. */
  totalMs: number;
}

export const DEFAULT_TIMEOUTS: Readonly<ClientTimeouts> = Object.freeze({
  connectMs: 10_000,
  firstByteMs: 120_000,
  idleMs: 60_000,
  totalMs: 600_000,
});

export interface UpstreamRequest {
  /** Base URL of the endpoint, e.g. `http://127.0.0.1:8000` or `https://host/prefix`. */
  baseUrl: string;
  /** Path appended to the base URL, e.g. `/v1/chat/completions`. */
  path: string;
  method?: Dispatcher.HttpMethod;
  /** A JSON value (serialized here), or a string / bytes sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  timeouts?: Partial<ClientTimeouts>;
  signal?: AbortSignal;
}

export interface TimedSseEvent extends SseEvent {
  /** Monotonic time (ms) at which the bytes completing this event arrived, taken before parsing. */
  t: number;
}

export interface UpstreamClientOptions {
  /** Connections per origin (undici pool size). Default: unlimited. */
  connections?: number;
  timeouts?: Partial<ClientTimeouts>;
  /** Use this dispatcher instead of creating one (it is then not closed by `close()`). */
  dispatcher?: Dispatcher;
  /**
   * HTTP client of `measure()` for plain-`http:` origins: `lean` (llmops' own keep-alive HTTP/1.1 client, ~25% less
   * CPU a request) or `undici`. `send()`/`json()` and `https:` origins always use undici. Default: lean.
   */
  http?: 'lean' | 'undici';
}

/** A response whose headers have arrived; the body is still to be read, exactly once. */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /**
   * Monotonic send and header-arrival times. Here `tSend` is when the request was handed to the client (connection
   * wait included); `measure()`, which every latency figure comes from, stamps the write itself (`blockedMs`).
   */
  tSend: number;
  tHeaders: number;
  body: Dispatcher.ResponseData['body'];
  /** Reads the body and parses SSE, yielding each event stamped with its arrival time. */
  events(): AsyncGenerator<TimedSseEvent, void, undefined>;
  /** Stops the total-timeout timer; called automatically when the body is consumed through the helpers. */
  done(): void;
  /** Why the request was aborted (total timeout or caller), if it was. */
  abortReason(): UpstreamClientError | undefined;
}

/**
 * How long an idle pooled upstream connection is kept (here and, by default, in the gateway): below vLLM's 5 s
 * (uvicorn closes idle connections without a Keep-Alive header saying so), so that a request never goes out on a
 * connection being closed and the server gets blamed for the lost request.
 */
export const IDLE_KEEP_ALIVE_MS = 4_000;

/**
 * The one HTTP client for OpenAI-compatible upstreams. Everything in llmops that calls a model goes through it,
 * so timeouts, error classes and timing definitions are the same everywhere.
 */
export class UpstreamClient {
  private readonly dispatcher: Dispatcher;
  /** What `measure()` dispatches through: the lean client (falling back to `dispatcher`), or `dispatcher` itself. */
  private readonly measurer: UpstreamDispatcher;
  private readonly ownsDispatcher: boolean;
  private destroyed = false;
  private readonly targets = new Map<string, { origin: string; path: string }>();
  readonly timeouts: Readonly<ClientTimeouts>;

  constructor(opts: UpstreamClientOptions = {}) {
    this.timeouts = Object.freeze({ ...DEFAULT_TIMEOUTS, ...opts.timeouts });
    this.ownsDispatcher = opts.dispatcher === undefined;
    this.dispatcher =
      opts.dispatcher ??
      new Agent({
        connections: opts.connections ?? null,
        connect: { timeout: this.timeouts.connectMs },
        keepAliveTimeout: IDLE_KEEP_ALIVE_MS,
        keepAliveMaxTimeout: IDLE_KEEP_ALIVE_MS,
        // Timeouts are passed per request; these only bound a request that forgets them.
        headersTimeout: this.timeouts.firstByteMs,
        bodyTimeout: this.timeouts.idleMs,
      });
    this.measurer =
      this.ownsDispatcher && opts.http !== 'undici'
        ? new LeanDispatcher(this.dispatcher, {
            connections: opts.connections ?? null,
            connectTimeoutMs: this.timeouts.connectMs,
            keepAliveTimeoutMs: IDLE_KEEP_ALIVE_MS,
          })
        : this.dispatcher;
  }

  async close(): Promise<void> {
    // The lean client closes its fallback (the undici agent) after its own connections.
    if (this.ownsDispatcher && !this.destroyed) await this.measurer.close();
  }

  /**
   * Aborts every request in flight at once (they end with a transport error) and closes the connections: a way to
   * cancel many requests without giving each its own abort listener.
   */
  async destroy(): Promise<void> {
    if (!this.ownsDispatcher || this.destroyed) return;
    this.destroyed = true;
    if (this.measurer !== this.dispatcher && this.measurer.destroy) await this.measurer.destroy();
    else await this.dispatcher.destroy();
  }

  /** Origin and path of base URL + path, parsed once per pair (a load test sends millions to a handful). */
  private target(baseUrl: string, path: string): { origin: string; path: string } {
    const key = `${baseUrl}\n${path}`;
    let t = this.targets.get(key);
    if (!t) {
      const url = new URL(joinUrl(baseUrl, path));
      t = { origin: url.origin, path: url.pathname + url.search };
      if (this.targets.size >= 256) this.targets.clear();
      this.targets.set(key, t);
    }
    return t;
  }

  /** Builds undici's request options and the total-timeout deadline of one request. */
  private prepare(req: UpstreamRequest): { options: Dispatcher.DispatchOptions; total: TotalDeadline } {
    const t = { ...this.timeouts, ...req.timeouts };
    const url = this.target(req.baseUrl, req.path);
    const headers: Record<string, string> = { ...req.headers };
    let body: string | Uint8Array | undefined;
    if (req.body !== undefined) {
      if (typeof req.body === 'string' || req.body instanceof Uint8Array) body = req.body;
      else {
        body = JSON.stringify(req.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    if (req.apiKey) headers['authorization'] = `Bearer ${req.apiKey}`;
    const total = new TotalDeadline(t.totalMs, req.signal);
    const options: Dispatcher.DispatchOptions = {
      origin: url.origin,
      path: url.path,
      method: req.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      headersTimeout: t.firstByteMs,
      bodyTimeout: t.idleMs,
    };
    return { options, total };
  }

  /** Sends a request and resolves when headers arrive. Error statuses do not throw here; transport failures do. */
  async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const { options, total } = this.prepare(req);
    const tSend = monoNow();
    let res: Dispatcher.ResponseData;
    try {
      res = await this.dispatcher.request({ ...options, signal: total.signal });
    } catch (err) {
      total.clear();
      throw total.reason() ?? classifyTransportError(err, false);
    }
    const tHeaders = monoNow();
    const responseBody = res.body;
    const done = (): void => total.clear();
    return {
      status: res.statusCode,
      headers: res.headers,
      tSend,
      tHeaders,
      body: responseBody,
      done,
      abortReason: () => total.reason(),
      events: () => timedEvents(responseBody, total, done),
    };
  }

  /** Sends a request and parses a JSON answer; an error status throws UpstreamClientError with the server's message. */
  async json<T = unknown>(
    req: UpstreamRequest,
  ): Promise<{ status: number; headers: UpstreamResponse['headers']; body: T }> {
    const res = await this.send(req);
    const text = await readText(res);
    const cls = classifyStatus(res.status);
    if (cls) throw new UpstreamClientError(cls, `HTTP ${res.status}: ${errorMessageOf(text)}`, res.status);
    try {
      return { status: res.status, headers: res.headers, body: JSON.parse(text) as T };
    } catch {
      throw new UpstreamClientError(
        'invalid_json',
        `response body is not JSON (HTTP ${res.status})`,
        res.status,
      );
    }
  }

  /**
   * Sends a chat or text completion request (streamed when `body.stream` is true), reads the whole answer and
   * returns its measurement. Never throws: failures are recorded in `errorClass`/`errorMessage`.
   */
  measure(req: UpstreamRequest, opts: { collectContent?: boolean } = {}): Promise<RequestMeasurement> {
    const { options, total } = this.prepare(req);
    return new Promise((resolve) => {
      const handler = new MeasureHandler(
        monoNow(),
        isStreamRequest(req.body),
        opts.collectContent ?? true,
        (m) => {
          total.clear();
          resolve(m);
        },
        () => total.reason(),
      );
      // The handler keeps precise first-byte and idle timers itself; undici's are coarse (~1 s ticks).
      handler.setTimeouts(options.headersTimeout as number, options.bodyTimeout as number);
      total.onAbort((why) => handler.abort(why));
      // A signal aborted already has settled the measurement: nothing to send.
      if (total.reason() === undefined)
        this.measurer.dispatch({ ...options, headersTimeout: 0, bodyTimeout: 0 }, handler);
    });
  }
}

async function* timedEvents(
  body: UpstreamResponse['body'],
  total: TotalDeadline,
  done: () => void,
): AsyncGenerator<TimedSseEvent, void, undefined> {
  const queue: TimedSseEvent[] = [];
  let now = 0;
  const parser = new SseParser((ev) => {
    queue.push({ ...ev, t: now });
  });
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      now = monoNow();
      parser.push(chunk);
      while (queue.length > 0) yield queue.shift() as TimedSseEvent;
    }
    parser.end();
    while (queue.length > 0) yield queue.shift() as TimedSseEvent;
  } catch (err) {
    throw total.reason() ?? classifyTransportError(err, true);
  } finally {
    done();
    if (!body.destroyed) body.destroy();
  }
}

async function readText(res: UpstreamResponse): Promise<string> {
  try {
    return await res.body.text();
  } finally {
    res.done();
  }
}

/**
 * Aborts the request when the total timeout passes or the caller's signal fires, remembering which. The listener on
 * the caller's signal is removed when the request ends: a load generator passes one signal to every request of a
 * run, and a listener left behind per request would keep each request alive and slow every later registration.
 */
class TotalDeadline {
  // Created only when someone asks for `signal` (send/json); measure() is told through onAbort instead.
  private ac: AbortController | undefined;
  private readonly timer: NodeJS.Timeout;
  private why: UpstreamClientError | undefined;
  private listener: ((why: UpstreamClientError) => void) | undefined;
  private readonly caller: AbortSignal | undefined;
  private readonly onCallerAbort = (): void =>
    this.abort(new UpstreamClientError('aborted', 'request aborted by the caller'));

  constructor(totalMs: number, caller: AbortSignal | undefined) {
    this.timer = setTimeout(
      () =>
        this.abort(
          new UpstreamClientError('timeout_total', `request exceeded the total timeout of ${totalMs} ms`),
        ),
      totalMs,
    );
    this.timer.unref();
    this.caller = caller;
    if (caller) {
      if (caller.aborted) this.onCallerAbort();
      else caller.addEventListener('abort', this.onCallerAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    if (!this.ac) {
      this.ac = new AbortController();
      if (this.why) this.ac.abort(this.why);
    }
    return this.ac.signal;
  }

  private abort(why: UpstreamClientError): void {
    if (this.why) return;
    this.why = why;
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
    this.ac?.abort(why);
    this.listener?.(why);
  }

  /** Also calls `fn` on abort (for dispatch handlers, which take no signal). */
  onAbort(fn: (why: UpstreamClientError) => void): void {
    if (this.why) fn(this.why);
    else this.listener = fn;
  }

  reason(): UpstreamClientError | undefined {
    return this.why;
  }

  /** The request is over: stop the timer and stop listening to the caller. */
  clear(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}

export function joinUrl(baseUrl: string, path: string): string {
  const b = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  return path.startsWith('/') ? b + path : `${b}/${path}`;
}

function isStreamRequest(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true;
}
