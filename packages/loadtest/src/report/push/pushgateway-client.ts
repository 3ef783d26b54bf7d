import { Agent, request } from 'undici';
import { groupingPath, pushgatewayTarget } from './pushgateway-url.js';

/** A push that did not land: the message names the group URL without credentials and never the body. */
export class PushFailedError extends Error {
  override name = 'PushFailedError';
  readonly code = 'push_failed';
  constructor(
    message: string,
    /** HTTP status when the gateway answered, else null (connection refused, timeout, …). */
    readonly status: number | null,
  ) {
    super(message);
  }
}

export interface PushgatewayClientOptions {
  url: string;
  job: string;
  grouping: readonly (readonly [string, string])[];
  /** Whole-request deadline (connect, headers, body), ms. */
  timeoutMs: number;
}

/** Longest part of an error answer kept in the message (the Pushgateway explains a 400 in its body). */
const MAX_DETAIL = 300;

/**
 * PUT and DELETE of one Pushgateway group over its own undici connection pool. prom-client's `Pushgateway` is not
 * used because it cannot write the `@base64` form of grouping values, which a test run id containing `/` needs.
 */
export class PushgatewayClient {
  /** The group's URL as logs may show it. */
  readonly groupUrl: string;
  private readonly authorization: string | null;
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 2 });
  private readonly secrets: string[];

  constructor(private readonly opts: PushgatewayClientOptions) {
    const target = pushgatewayTarget(opts.url);
    this.groupUrl = `${target.base}${groupingPath(opts.job, opts.grouping)}`;
    this.authorization = target.authorization;
    const u = new URL(opts.url);
    this.secrets = [u.password, decodeURIComponent(u.password)].filter((s) => s.length >= 3);
  }

  /** Replaces every metric of the group with `body` (text format 0.0.4). */
  put(body: string, contentType: string): Promise<void> {
    return this.send('PUT', body, contentType);
  }

  /** Removes the group (the gateway queues the deletion after earlier pushes and answers 202). */
  delete(): Promise<void> {
    return this.send('DELETE', null, null);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(
    method: 'PUT' | 'DELETE',
    body: string | null,
    contentType: string | null,
  ): Promise<void> {
    const headers: Record<string, string> = {};
    if (contentType !== null) headers['content-type'] = contentType;
    if (this.authorization !== null) headers.authorization = this.authorization;
    let status: number;
    let text: string;
    try {
      const res = await request(this.groupUrl, {
        method,
        headers,
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new PushFailedError(`${method} ${this.groupUrl} failed: ${this.scrub(describe(err))}`, null);
    }
    if (status < 200 || status >= 300)
      throw new PushFailedError(
        `${method} ${this.groupUrl} answered ${status}: ${this.scrub(text.trim().slice(0, MAX_DETAIL))}`,
        status,
      );
  }

  /** Error texts can quote the URL they were given; make sure the password never travels on into a log. */
  private scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  if (err.name === 'TimeoutError') return 'timed out';
  return `${typeof code === 'string' ? `${code} ` : ''}${err.message}${cause}`;
}
