import { CoreErrors } from './core-errors.js';
import { isLlmopsError, type LlmopsError } from './llmops-error.js';

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/**
 * Maps the errors an HTTP framework raises before a handler runs (malformed JSON, body over the limit, wrong
 * media type) to registry errors, so servers answer them in the same envelope as their own. Anything else is
 * returned unchanged for `toErrorResponse` (which turns unknown errors into a generic 500).
 */
export function fromFrameworkError(
  err: unknown,
  ctx: { limitBytes: number; contentType?: string | undefined },
): unknown {
  if (isLlmopsError(err) || typeof err !== 'object' || err === null) return err;
  const e = err as FrameworkError;
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return CoreErrors.error('invalid_json', undefined, { cause: err });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return CoreErrors.error('request_too_large', { limitBytes: ctx.limitBytes }, { cause: err });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return CoreErrors.error(
        'unsupported_media_type',
        { contentType: ctx.contentType ?? 'none' },
        { cause: err },
      );
    default:
      break;
  }
  // The JSON parser's SyntaxError carries status 400 and no code.
  if (err instanceof SyntaxError && e.statusCode === 400)
    return CoreErrors.error('invalid_json', undefined, { cause: err });
  return err as LlmopsError | Error;
}
