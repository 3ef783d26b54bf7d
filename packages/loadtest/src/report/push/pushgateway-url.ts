/**
 * Where a Pushgateway group lives: `/metrics/job/<job>{/<label>/<value>}` under the gateway's base URL. Values
 * that the path cannot carry as they are (a `/`, a dot segment `.` or `..`, or nothing at all) use the
 * Pushgateway's `<label>@base64/<value>` form; an empty value is written `=`, as its README prescribes.
 */

export interface PushgatewayTarget {
  /** Base URL without credentials, query or fragment, and without a trailing slash: safe to log. */
  base: string;
  /** `Basic …` when the URL carried `user:password@`, else null. */
  authorization: string | null;
}

/** Label names the Pushgateway (and Prometheus) accept. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function segment(name: string, value: string): string {
  if (value === '') return `${name}@base64/=`;
  // `.` and `..` are dot segments, which URL normalization removes from the path (".." also drops the name).
  if (value.includes('/') || value === '.' || value === '..')
    return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
  return `${name}/${encodeURIComponent(value)}`;
}

/** The path of a group (starting with `/metrics/job/`), grouping labels in the order given. */
export function groupingPath(job: string, grouping: readonly (readonly [string, string])[]): string {
  if (job === '') throw new RangeError('Pushgateway job name must not be empty');
  const parts = [segment('job', job)];
  for (const [name, value] of grouping) {
    if (!LABEL_NAME.test(name) || name === 'job' || name.startsWith('__'))
      throw new RangeError(`"${name}" cannot be a Pushgateway grouping label`);
    parts.push(segment(name, value));
  }
  return `/metrics/${parts.join('/')}`;
}

/** Splits a configured Pushgateway URL into what requests need and what logs may show. */
export function pushgatewayTarget(url: string): PushgatewayTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError('Pushgateway URL is not a valid URL (expected e.g. http://localhost:9091)');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new RangeError(`Pushgateway URL must be http or https, not ${u.protocol.replace(/:$/, '')}`);
  const authorization =
    u.username !== '' || u.password !== ''
      ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`
      : null;
  const base = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  return { base, authorization };
}
