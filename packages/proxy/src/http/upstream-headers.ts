import type { IncomingHttpHeaders } from 'node:http';

/** Request headers never forwarded: hop-by-hop ones, the client's credentials, and client-address claims. */
const DROPPED = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-connection',
  'authorization',
  'content-length',
  'x-forwarded-for',
  'x-real-ip',
  'cf-connecting-ip',
  'cf-ipcountry',
  'x-client-ip',
  'x-original-forwarded-for',
]);

/**
 * The headers sent upstream: the client's own, minus DROPPED, plus the project's upstream key and the request id.
 * Unlike the original, no project id leaks upstream (its X-Proxy-ID).
 */
export function upstreamHeaders(
  incoming: IncomingHttpHeaders,
  upstreamKey: string,
  requestId: string,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in incoming) {
    const v = incoming[name];
    if (v !== undefined && !DROPPED.has(name)) out[name] = v;
  }
  if (upstreamKey) out['authorization'] = `Bearer ${upstreamKey}`;
  out['x-request-id'] = requestId;
  return out;
}
