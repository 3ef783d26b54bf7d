/** Value types for network endpoints: URLs, hosts, ports and Go-style listen addresses. */
import { isIP, isIPv6 } from 'node:net';
import { intType } from './scalar-types.js';
import { fail, ok, scalarValue } from './value-type.js';
import type { Parsed, Show, ValueType } from './value-type.js';

/** Where a server listens. `host` is bare (no IPv6 brackets), ready for `server.listen({ host, port })`. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * The host a Go-style `:8080` means. Go binds every interface; `0.0.0.0` is the spelling that does the same in
 * Node on every platform and reads unambiguously in logs.
 */
export const ANY_HOST = '0.0.0.0';

export function urlType(): ValueType<string> {
  const parseString = (raw: string, show: Show): Parsed<string> => {
    const text = raw.trim();
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return fail(`${show(raw)} is not an absolute URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return fail(`${show(raw)} is not an http or https URL`);
    }
    // Kept as written: URL#href would append a '/' that breaks naive `${base}/v1` joins.
    return url.hostname === '' ? fail(`${show(raw)} has no host`) : ok(text);
  };
  return {
    label: 'url',
    expected: 'an absolute http or https URL, e.g. http://localhost:8000/v1',
    secret: false,
    isBoolean: false,
    parseString,
    parseValue: scalarValue(parseString, () => undefined, 'a URL'),
    format: (value) => value,
  };
}

// RFC 1123 labels, plus '_' because container and compose service names use it.
const HOSTNAME =
  /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** The bare host if `text` is a hostname, an IP address or a bracketed IPv6 address. */
function bareHost(text: string): string | undefined {
  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIP(unbracketed) !== 0) return unbracketed;
  return unbracketed === text && HOSTNAME.test(text) ? text : undefined;
}

export function hostType(): ValueType<string> {
  const parseString = (raw: string, show: Show): Parsed<string> => {
    const host = bareHost(raw.trim());
    return host === undefined ? fail(`${show(raw)} is not a hostname or IP address`) : ok(host);
  };
  return {
    label: 'host',
    expected: 'a hostname or IP address',
    secret: false,
    isBoolean: false,
    parseString,
    parseValue: scalarValue(parseString, () => undefined, 'a host'),
    format: (value) => value,
  };
}

export function portType(): ValueType<number> {
  return { ...intType({ min: 0, max: 65535 }), label: 'port' };
}

const PORT_EXPECTED = portType().expected;
const LISTEN_EXPECTED = 'a listen address such as :8080, 0.0.0.0:8080, localhost:8080 or [::1]:8080';

function listenPort(text: string, raw: string, show: Show): Parsed<number> {
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return port >= 0 && port <= 65535
    ? ok(port)
    : fail(`${show(raw)} has port "${text}", not ${PORT_EXPECTED}`);
}

function parseListen(raw: string, show: Show): Parsed<ListenAddress> {
  const text = raw.trim();
  // A bare port (`8080`, or `listen: 8080` in YAML) is read as Go's `:8080`.
  const split = /^\d+$/.test(text) ? ['', '', text] : /^(\[[^\]]*\]|[^:]*):([^:]*)$/.exec(text);
  if (!split) {
    const hint = isIPv6(text.replace(/:\d+$/, ''))
      ? ' (put IPv6 addresses in brackets, e.g. [::1]:8080)'
      : '';
    return fail(`${show(raw)} is not a host:port address${hint}`);
  }
  const [, hostText = '', portText = ''] = split;
  const port = listenPort(portText, raw, show);
  if (!port.ok) return port;
  if (hostText === '') return ok({ host: ANY_HOST, port: port.value });
  const host = bareHost(hostText);
  return host === undefined
    ? fail(`${show(raw)} has host "${hostText}", which is not a hostname or IP address`)
    : ok({ host, port: port.value });
}

export function formatListen({ host, port }: ListenAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function listenType(): ValueType<ListenAddress> {
  return {
    label: 'host:port',
    expected: LISTEN_EXPECTED,
    secret: false,
    isBoolean: false,
    parseString: parseListen,
    parseValue: scalarValue(
      parseListen,
      (value, show) => (typeof value === 'number' ? parseListen(String(value), show) : undefined),
      'a listen address',
    ),
    format: formatListen,
  };
}
