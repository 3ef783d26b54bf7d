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

/** A Connection header's usual values, which name no other header. */
const PLAIN_CONNECTION = /^\s*(?:keep-alive|close)\s*$/i;

/**
 * The headers a Connection header names besides the standard hop-by-hop ones, lower-cased: they describe the hop
 * too and are not relayed (RFC 9110 §7.6.1, as Go's ReverseProxy). Undefined for the usual `keep-alive`/`close`.
 */
export function connectionListed(value: string | string[] | undefined): ReadonlySet<string> | undefined {
  if (value === undefined || (typeof value === 'string' && PLAIN_CONNECTION.test(value))) return undefined;
  const names = new Set<string>();
  for (const token of (Array.isArray(value) ? value.join(',') : value).split(',')) {
    const name = token.trim().toLowerCase();
    if (name !== '' && !HOP_BY_HOP.has(name)) names.add(name);
  }
  return names.size > 0 ? names : undefined;
}

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
 * The headers sent upstream: the client's own, minus DROPPED and those its Connection header names, plus the
 * project's upstream key and the request id.
 * Unlike the original, no project id leaks upstream (its X-Proxy-ID).
 */
export function upstreamHeaders(
  incoming: IncomingHttpHeaders,
  upstreamKey: string,
  requestId: string,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const listed = connectionListed(incoming.connection);
  for (const name in incoming) {
    const v = incoming[name];
    if (v !== undefined && !DROPPED.has(name) && (listed === undefined || !listed.has(name))) out[name] = v;
  }
  if (upstreamKey) out['authorization'] = `Bearer ${upstreamKey}`;
  out['x-request-id'] = requestId;
  return out;
}
