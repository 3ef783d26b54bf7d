/** Response headers a browser may read besides the CORS-safelisted ones. */
const EXPOSED = 'X-Request-ID, X-Upstream-Request-ID';

/**
 * The CORS headers of an answer to a request from an allowed `origin`, as the original set them on every /v1
 * answer (its own errors included): the origin named, X-Request-ID (and the upstream's, X-Upstream-Request-ID) readable, and `Origin` added to the upstream's
 * `Vary`, if any, so a shared cache keeps one answer per origin.
 */
export function corsHeaders(
  origin: string,
  vary?: string | string[],
): { 'access-control-allow-origin': string; 'access-control-expose-headers': string; vary: string } {
  const before = Array.isArray(vary) ? vary.join(', ') : vary;
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': EXPOSED,
    vary: before ? `${before}, Origin` : 'Origin',
  };
}
