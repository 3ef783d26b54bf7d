/**
 * Why a request to an upstream failed, as one stable class. Every consumer (load tester, monitor, edge client,
 * gateway) reports errors by these names, so a dashboard can compare them across tools.
 *
 * - `connect`: the connection could not be made or was closed before any response arrived (refused, reset, DNS,
 *   connect timeout).
 * - `timeout_first_byte`: no response headers within the first-byte timeout.
 * - `timeout_idle`: the gap between two body chunks (or between headers and the first chunk) exceeded the idle timeout.
 * - `timeout_total`: the whole request exceeded the total timeout.
 * - `rate_limited`: HTTP 429. `http_4xx` / `http_5xx`: any other error status.
 * - `stream_broken`: the body ended or the socket closed before the response was complete (no `[DONE]`).
 * - `stream_error`: the server reported an error inside a 200 stream (`{"error":…}` or `event: error`).
 * - `invalid_json`: a body or stream event that should be JSON is not.
 * - `invalid_content_type`: a stream was requested but the answer is neither SSE nor JSON.
 * - `aborted`: the caller's abort signal fired.
 */
export type ClientErrorClass =
  | 'connect'
  | 'timeout_first_byte'
  | 'timeout_idle'
  | 'timeout_total'
  | 'http_4xx'
  | 'http_5xx'
  | 'rate_limited'
  | 'stream_broken'
  | 'stream_error'
  | 'invalid_json'
  | 'invalid_content_type'
  | 'aborted';

export const CLIENT_ERROR_CLASSES: readonly ClientErrorClass[] = [
  'connect',
  'timeout_first_byte',
  'timeout_idle',
  'timeout_total',
  'http_4xx',
  'http_5xx',
  'rate_limited',
  'stream_broken',
  'stream_error',
  'invalid_json',
  'invalid_content_type',
  'aborted',
];

export class UpstreamClientError extends Error {
  override readonly name = 'UpstreamClientError';
  constructor(
    readonly errorClass: ClientErrorClass,
    message: string,
    readonly status: number | undefined = undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The class of an HTTP error status; `undefined` for a success. */
export function classifyStatus(status: number): ClientErrorClass | undefined {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return undefined;
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * Maps an error thrown by undici (or by our own timers) to a class. `gotHeaders` tells whether the response had
 * started: a socket error before it is a connection failure, after it a broken stream.
 */
export function classifyTransportError(err: unknown, gotHeaders: boolean): UpstreamClientError {
  if (err instanceof UpstreamClientError) return err;
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new UpstreamClientError(
      'timeout_first_byte',
      'no response headers within the first-byte timeout',
      undefined,
      { cause: err },
    );
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return new UpstreamClientError('timeout_idle', 'no data within the idle timeout', undefined, {
      cause: err,
    });
  }
  if (!gotHeaders && code !== undefined && CONNECT_CODES.has(code)) {
    return new UpstreamClientError('connect', `connection failed: ${message}`, undefined, { cause: err });
  }
  if (gotHeaders) {
    return new UpstreamClientError('stream_broken', `response interrupted: ${message}`, undefined, {
      cause: err,
    });
  }
  return new UpstreamClientError('connect', `request failed: ${message}`, undefined, { cause: err });
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined ? undefined : errorCode(cause);
}
