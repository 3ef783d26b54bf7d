import type { Dispatcher } from 'undici';
import { SseParser } from '../sse/index.js';
import { monoNow } from '../time.js';
import { classifyStatus, classifyTransportError, UpstreamClientError } from './client-error.js';
import type { RequestMeasurement } from './request-measurement.js';
import { observeJsonBody, StreamObserver } from './stream-observer.js';

/** How much of an error body is kept for its message. */
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * An undici dispatch handler that measures one chat/text completion as its bytes arrive. It sits directly on the
 * HTTP parser's callbacks (no Readable stream in between), so each chunk is stamped at the earliest moment
 * JavaScript can see it, and costs as little as possible per chunk.
 */
export class MeasureHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private readonly obs: StreamObserver;
  private mode: 'stream' | 'json' | 'error' | 'discard' = 'discard';
  private parser: SseParser | undefined;
  private now = 0;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private failure: UpstreamClientError | undefined;
  private settled = false;
  /** One timer serves the first-byte and then the idle timeout; undici's own have ~1 s resolution. */
  private timer: NodeJS.Timeout | undefined;
  private firstByteMs = 0;
  private idleMs = 0;

  constructor(
    tSend: number,
    private readonly streamed: boolean,
    private readonly collect: boolean,
    private readonly resolve: (m: RequestMeasurement) => void,
    /** Why the caller aborted (total timeout or abort signal), checked when an error arrives. */
    private readonly abortReason: () => UpstreamClientError | undefined,
  ) {
    this.obs = new StreamObserver(tSend, collect);
    this.obs.m.streamed = streamed;
  }

  get m(): RequestMeasurement {
    return this.obs.m;
  }

  /**
   * Sets the first-byte timeout, which starts when the request is written (`onRequestStart`), and the idle one,
   * which follows once headers arrive. Call before dispatching.
   */
  setTimeouts(firstByteMs: number, idleMs: number): void {
    this.firstByteMs = firstByteMs;
    this.idleMs = idleMs;
  }

  private readonly timeOut = (): void => {
    if (this.settled) return;
    const gotHeaders = this.obs.m.status !== 0;
    this.failure ??= gotHeaders
      ? new UpstreamClientError(
          'timeout_idle',
          `no data for ${this.idleMs} ms (idle timeout)`,
          this.obs.m.status,
        )
      : new UpstreamClientError('timeout_first_byte', 'no response headers within the first-byte timeout');
    this.controller?.abort(this.failure);
  };

  /**
   * Ends the request with `reason` (the total timeout, or the caller's abort). One still waiting for a connection
   * has no controller yet: it is settled now, and aborted unsent when its turn comes (`onRequestStart`).
   */
  abort(reason: UpstreamClientError): void {
    if (this.controller !== undefined) {
      this.controller.abort(reason);
      return;
    }
    if (this.settled) return;
    this.failure ??= reason;
    this.obs.m.blockedMs = monoNow() - this.obs.m.tSend;
    this.settle();
  }

  /**
   * Called by undici right before it writes the request to a connection: the send instant every time of the
   * measurement counts from. Until then the request waited inside the client (see `blockedMs`).
   */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.settled) {
      // Given up while it waited for a connection: it is never sent.
      controller.abort(this.failure ?? new UpstreamClientError('aborted', 'request aborted by the caller'));
      return;
    }
    const first = this.controller === undefined;
    this.controller = controller;
    if (!first) return;
    const m = this.obs.m;
    const now = monoNow();
    m.blockedMs = now - m.tSend;
    m.tSend = now;
    // The first-byte timeout counts from the write, not from the wait for a connection before it.
    this.timer = setTimeout(this.timeOut, this.firstByteMs);
    this.timer.unref();
  }

  onResponseStart(
    _c: Dispatcher.DispatchController,
    status: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    const m = this.obs.m;
    m.status = status;
    m.timeToHeaders = monoNow() - m.tSend;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = setTimeout(this.timeOut, this.idleMs);
      this.timer.unref();
    }
    const rid = headers['x-request-id'];
    m.requestId = (Array.isArray(rid) ? rid[0] : rid) ?? null;
    const cls = classifyStatus(status);
    const ctypeRaw = headers['content-type'];
    const ctype = (Array.isArray(ctypeRaw) ? ctypeRaw[0] : ctypeRaw) ?? '';
    if (cls) {
      this.mode = 'error';
      this.failure = new UpstreamClientError(cls, `HTTP ${status}`, status);
    } else if (this.streamed && ctype.includes('text/event-stream')) {
      this.mode = 'stream';
      this.parser = new SseParser((ev) => this.obs.onEvent(ev, this.now));
    } else if (ctype.includes('json') || (!this.streamed && ctype === '')) {
      this.mode = 'json';
      this.obs.m.streamed = false;
    } else {
      this.failure = new UpstreamClientError(
        'invalid_content_type',
        `unexpected content-type ${JSON.stringify(ctype)}`,
        status,
      );
      this.controller?.abort(this.failure);
    }
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.now = monoNow();
    this.timer?.refresh();
    if (this.mode === 'stream') {
      if (this.failure) return;
      try {
        (this.parser as SseParser).push(chunk);
      } catch (err) {
        this.failure = classifyTransportError(err, true);
        this.controller?.abort(this.failure);
      }
      return;
    }
    if (this.mode === 'discard' || (this.mode === 'error' && this.bytes >= ERROR_BODY_LIMIT)) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  onResponseEnd(): void {
    if (this.mode === 'stream') {
      (this.parser as SseParser).end();
      if (!this.failure && !this.obs.finished) {
        this.failure = new UpstreamClientError(
          'stream_broken',
          'stream ended before [DONE]',
          this.obs.m.status,
        );
      }
    } else if (this.mode === 'json') {
      this.finishJson();
    } else if (this.mode === 'error' && this.failure) {
      const text = Buffer.concat(this.chunks).toString('utf8');
      this.failure = new UpstreamClientError(
        this.failure.errorClass,
        `HTTP ${this.obs.m.status}: ${errorMessageOf(text)}`,
        this.obs.m.status,
      );
    }
    this.settle();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.failure ??= this.abortReason() ?? classifyTransportError(err, this.obs.m.status !== 0);
    if (this.mode === 'stream') this.parser?.end();
    this.settle();
  }

  private finishJson(): void {
    const tEnd = this.now || monoNow();
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(this.chunks).toString('utf8'));
    } catch {
      this.failure = new UpstreamClientError('invalid_json', 'response body is not JSON', this.obs.m.status);
      return;
    }
    observeJsonBody(this.obs.m, body, tEnd, this.collect);
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    const m = this.mode === 'stream' ? this.obs.finish() : this.obs.m;
    if (this.failure) {
      m.ok = false;
      m.errorClass = this.failure.errorClass;
      m.errorMessage = this.failure.message;
    } else {
      m.ok = true;
    }
    this.resolve(m);
  }
}

/** The `error.message` of an OpenAI envelope, or the start of the body. */
export function errorMessageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (parsed.error && typeof parsed.error.message === 'string') return parsed.error.message;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200) || '(empty body)';
}
