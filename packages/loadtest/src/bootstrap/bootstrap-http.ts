import { redactSecrets } from '@llmops/core';
import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { BootstrapError } from './bootstrap-errors.js';

export interface BootstrapHttpOptions {
  /** Base URL of the API; paths are appended to it (a path prefix in it is kept). */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Limit for one call, connect to last byte. */
  timeoutMs: number;
  /** Other values that must never appear in an error message (besides `token`), e.g. an upstream key. */
  secrets?: readonly string[];
  /** Sockets kept to the server; bootstrap concurrency above it waits for a free one. */
  connections?: number;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const MAX_SERVER_MESSAGE = 300;
const REDACTED = '[redacted]';

/**
 * The JSON-over-HTTP client the bootstrap targets share: one keep-alive connection pool, a timeout per call, and
 * every failure turned into a `BootstrapError` whose message names the call and the server's reason — scrubbed of
 * the token, the configured secrets and anything secret-looking. Response bodies of successful calls (which hold
 * new keys) never go into a message.
 */
export class BootstrapHttp {
  private readonly agent: Agent;
  private readonly base: string;
  private readonly auth: string;
  private readonly secrets: readonly string[];
  private readonly timeoutMs: number;

  constructor(opts: BootstrapHttpOptions) {
    const base = new URL(opts.url);
    this.base = base.href.replace(/\/+$/, '');
    this.auth = `Bearer ${opts.token}`;
    this.timeoutMs = opts.timeoutMs;
    // Longest first, so a secret containing another is replaced whole.
    this.secrets = [opts.token, ...(opts.secrets ?? []), base.password, base.username]
      .filter((s) => s.length >= 4)
      .sort((a, b) => b.length - a.length);
    this.agent = new Agent({
      connections: opts.connections ?? 32,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
  }

  /** A call whose 2xx answer is JSON matching `schema`. */
  async json<S extends z.ZodType>(
    method: Method,
    path: string,
    body: unknown,
    schema: S,
  ): Promise<z.output<S>> {
    const { status, text } = await this.call(method, path, body);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new BootstrapError(
        'invalid_response',
        `${method} ${path}: HTTP ${String(status)} without a JSON body`,
      );
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
    throw new BootstrapError(
      'invalid_response',
      `${method} ${path}: HTTP ${String(status)} with an unexpected body (${where}: ${issue?.message ?? 'invalid'})`,
    );
  }

  /** A call whose 2xx answer's body is ignored. */
  async send(method: Method, path: string, body?: unknown): Promise<void> {
    await this.call(method, path, body);
  }

  /** Replaces every known secret and anything secret-looking in `text`. */
  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join(REDACTED);
    return redactSecrets(out);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async call(method: Method, path: string, body: unknown): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { authorization: this.auth, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Dispatcher.ResponseData;
    let text: string;
    try {
      res = await request(this.base + path, {
        dispatcher: this.agent,
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.body.text();
    } catch (err) {
      throw new BootstrapError('network', `${method} ${path}: ${this.describeFailure(err)}`);
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return { status: res.statusCode, text };
    const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    const serverCode = serverCodeOf(text);
    throw new BootstrapError(
      'http_status',
      `${method} ${path}: HTTP ${String(res.statusCode)}: ${this.scrub(serverMessage(text))}`,
      {
        status: res.statusCode,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        ...(serverCode === undefined ? {} : { serverCode }),
      },
    );
  }

  /** A network failure in words, without the request (undici errors never carry headers). */
  private describeFailure(err: unknown): string {
    if (!(err instanceof Error)) return 'request failed';
    if (err.name === 'TimeoutError' || err.name === 'AbortError' || /TIMEOUT/.test(codeOf(err))) {
      return `no answer within ${String(this.timeoutMs)} ms`;
    }
    const cause = err.cause instanceof Error ? err.cause : undefined;
    const code = codeOf(err) || (cause ? codeOf(cause) : '');
    const message = cause?.message ?? err.message;
    return this.scrub(`request failed${code === '' ? '' : ` (${code})`}: ${message}`);
  }
}

function codeOf(err: Error): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

/**
 * The reason a server gave for a non-2xx answer: from a JSON error body (`error`, `message`, `description`,
 * `code`, as both the llmops management API and OpenAI-style APIs send them), else the body's text, shortened.
 */
export function serverMessage(text: string): string {
  const fields = errorFieldsOf(text);
  let out = fields === undefined ? '' : messageOf(fields);
  if (out === '') out = text.replace(/\s+/g, ' ').trim();
  if (out === '') return '(no message)';
  return out.length > MAX_SERVER_MESSAGE ? `${out.slice(0, MAX_SERVER_MESSAGE)}…` : out;
}

/** The `code` of a JSON error body, if it is a short identifier (e.g. `project_name_taken`). */
export function serverCodeOf(text: string): string | undefined {
  const code = errorFieldsOf(text)?.['code'];
  return typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : undefined;
}

/** The fields of a JSON error body: the object itself, or its `error` object (OpenAI's nesting). */
function errorFieldsOf(text: string): Record<string, unknown> | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const top = body as Record<string, unknown>;
  const nested = top['error'];
  return typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>) : top;
}

function messageOf(fields: Record<string, unknown>): string {
  const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
  const parts: string[] = [];
  for (const f of ['error', 'message', 'description']) {
    const v = text(fields[f]);
    if (v !== '' && !parts.includes(v)) parts.push(v);
  }
  const code = text(fields['code']);
  const joined = parts.join(': ');
  return code !== '' && joined !== '' ? `${joined} (${code})` : joined || code;
}

/** `Retry-After` as ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (v === undefined || v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Every HTTP-date form starts with the day's name; this keeps `Date.parse` from reading "-1" as a year.
  if (!/^[A-Za-z]{3}/.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
