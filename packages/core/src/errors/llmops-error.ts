import type { OpenAIErrorType } from '../openai/error-envelope.js';

/*
 * A brand rather than `instanceof` alone: the CLI loads core from dist while tests alias it to src, and any
 * bundling mistake can load two copies — an error from one copy must still be recognised by the other.
 */
const BRAND: unique symbol = Symbol.for('llmops.error');

export interface LlmopsErrorInit<C extends string> {
  code: C;
  status: number;
  type: OpenAIErrorType;
  /** Shown to the client as is, so it must never contain internals (stack traces, upstream URLs, secrets). */
  message: string;
  param?: string | null;
  headers?: Readonly<Record<string, string>>;
  /** What went wrong underneath; for the log only, never sent to the client. */
  cause?: unknown;
}

/** An error that knows how it is answered over HTTP: status, OpenAI `type`, stable `code`, `param`. */
export class LlmopsError<C extends string = string> extends Error {
  override name = 'LlmopsError';
  readonly [BRAND] = true;
  readonly code: C;
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly param: string | null;
  /** Extra response headers, e.g. `Retry-After` on a 429 or `Allow` on a 405. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(init: LlmopsErrorInit<C>) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.type = init.type;
    this.param = init.param ?? null;
    this.headers = init.headers ?? {};
  }
}

export function isLlmopsError(err: unknown): err is LlmopsError {
  if (err instanceof LlmopsError) return true;
  return typeof err === 'object' && err !== null && (err as { [BRAND]?: unknown })[BRAND] === true;
}
