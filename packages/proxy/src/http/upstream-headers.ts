import type { IncomingHttpHeaders } from 'node:http';

/** Headers that describe one hop of a connection, not the message (RFC 9110 §7.6.1): never relayed either way. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
]);

/** Request headers never forwarded: hop-by-hop ones, the client's credentials, and client-address claims. */
const DROPPED = new Set([
  ...HOP_BY_HOP,
  'host',
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
