import type { IncomingHttpHeaders } from 'node:http';

/** What every request type here has (node:http's, Fastify's and the lean path's): headers and the TCP peer. */
export interface ClientSide {
  readonly headers: IncomingHttpHeaders;
  readonly socket: { readonly remoteAddress?: string | undefined } | null;
}

/**
 * The client's address for audit records, as the original: the first X-Forwarded-For hop, then X-Real-IP, then
 * the TCP peer. A gateway usually sits behind a load balancer, where the peer alone would name the balancer. The
 * value only labels records; it never decides access (a client can claim any forwarded address).
 */
export function clientIpOf(req: ClientSide): string | null {
  const forwarded = headerValue(req, 'x-forwarded-for')?.split(',')[0]?.trim();
  if (forwarded) return forwarded;
  const real = headerValue(req, 'x-real-ip')?.trim();
  if (real) return real;
  return req.socket?.remoteAddress ?? null;
}

/** The client's User-Agent; an admin UI in front passes its user's as X-Forwarded-User-Agent (the original's). */
export function userAgentOf(req: ClientSide): string | null {
  return headerValue(req, 'x-forwarded-user-agent') ?? headerValue(req, 'user-agent') ?? null;
}

/** A header's first value, undefined when absent or empty. */
export function headerValue(req: ClientSide, name: string): string | undefined {
  const v = req.headers[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined || first === '' ? undefined : first;
}

/** Visible ASCII without spaces, bounded: safe to echo in a header and to store in an audit row. */
const ID_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * The client's own request or correlation id (its first value) when it is 1–200 visible ASCII characters without
 * spaces; undefined otherwise, and the caller makes one up. The /v1 path and the management API use the same rule.
 */
export function clientId(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ID_PATTERN.test(value) ? value : undefined;
}
