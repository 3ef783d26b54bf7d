import type { OpenAIErrorEnvelope } from '../openai/error-envelope.js';
import { CoreErrors } from './core-errors.js';
import { isLlmopsError } from './llmops-error.js';

/** What a server writes for a failed request. `headers` holds only error-specific ones (Retry-After, Allow). */
export interface HttpErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: OpenAIErrorEnvelope;
}

/**
 * The single mapping from anything thrown to an HTTP answer. An unexpected error becomes a generic 500: its
 * message may hold paths, upstream addresses or secrets, so the caller logs `err` and the client sees none of it.
 */
export function toErrorResponse(err: unknown): HttpErrorResponse {
  const known = isLlmopsError(err) ? err : CoreErrors.error('internal_error', undefined, { cause: err });
  return {
    status: known.status,
    headers: { ...known.headers },
    body: {
      error: { message: known.message, type: known.type, param: known.param, code: known.code },
    },
  };
}
