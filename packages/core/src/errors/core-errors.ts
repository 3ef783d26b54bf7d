import { defineErrors, type ErrorCodeOf } from './error-registry.js';

/*
 * Errors any llmops server can answer with. Codes are a public contract (clients and dashboards match on them):
 * add freely, never rename. Messages are shown to clients, so they name what the client sent and nothing else.
 */
export const CoreErrors = defineErrors({
  invalid_request: {
    status: 400,
    type: 'invalid_request_error',
    message: ({ message }: { message: string }) => message,
  },
  invalid_json: {
    status: 400,
    type: 'invalid_request_error',
    message: 'The request body is not valid JSON.',
  },
  /** Same wording as `parseWire`, so a missing field reads the same whichever layer notices it. */
  missing_parameter: {
    status: 400,
    type: 'invalid_request_error',
    message: ({ param }: { param: string }) => `'${param}' is required`,
  },
  /** Takes the sentence `parseWire` built, e.g. `'temperature' must be a number between 0 and 2, got "hot"`. */
  invalid_parameter: {
    status: 400,
    type: 'invalid_request_error',
    message: ({ message }: { message: string }) => message,
  },
  invalid_api_key: {
    status: 401,
    type: 'authentication_error',
    message: "Missing or invalid API key. Send it as 'Authorization: Bearer <key>'.",
  },
  permission_denied: {
    status: 403,
    type: 'permission_error',
    message: 'This API key is not allowed to perform this request.',
  },
  /** OpenAI's wording and type, which SDKs and tools already recognise. */
  model_not_found: {
    status: 404,
    type: 'invalid_request_error',
    message: ({ model }: { model: string }) =>
      `The model '${model}' does not exist or you do not have access to it.`,
  },
  not_found: {
    status: 404,
    type: 'invalid_request_error',
    message: ({ method, path }: { method: string; path: string }) => `Unknown route: ${method} ${path}`,
  },
  method_not_allowed: {
    status: 405,
    type: 'invalid_request_error',
    message: ({ method, path }: { method: string; path: string }) =>
      `Method ${method} is not allowed on ${path}`,
  },
  request_too_large: {
    status: 413,
    type: 'invalid_request_error',
    message: ({ limitBytes }: { limitBytes: number }) =>
      `The request body exceeds the limit of ${limitBytes} bytes.`,
  },
  unsupported_media_type: {
    status: 415,
    type: 'invalid_request_error',
    message: ({ contentType }: { contentType: string }) =>
      `Unsupported Content-Type '${contentType}'; send application/json.`,
  },
  rate_limit_exceeded: {
    status: 429,
    type: 'rate_limit_error',
    message: 'Rate limit exceeded. Slow down and retry later.',
  },
  /** Also what any unexpected exception becomes, so its text must stay generic. */
  internal_error: {
    status: 500,
    type: 'server_error',
    message: 'The server had an error while processing your request.',
  },
  config_invalid: {
    status: 500,
    type: 'server_error',
    message: ({ message }: { message: string }) => `Invalid configuration: ${message}`,
  },
  request_timeout: {
    status: 408,
    type: 'invalid_request_error',
    message: 'The request did not arrive in time: its headers and body must be sent without long pauses.',
  },
  upstream_unavailable: {
    status: 502,
    type: 'server_error',
    message: 'The upstream model server is unavailable.',
  },
  service_unavailable: {
    status: 503,
    type: 'server_error',
    message: 'The service is temporarily unavailable. Retry later.',
  },
  upstream_timeout: {
    status: 504,
    type: 'server_error',
    message: 'The upstream model server did not respond in time.',
  },
});

export type CoreErrorCode = ErrorCodeOf<typeof CoreErrors>;
