import { defineErrors } from '@llmops/core';

/**
 * Every failure the gateway itself produces on /v1, in the OpenAI envelope with a stable code. Codes and messages
 * keep the original's names where it had one (`invalid_token`, `token_expired`, `rate_limit_exceeded`, …), so
 * clients and alerts written for it keep working. Upstream errors are never rewritten: they pass through as sent.
 */
export const ProxyErrors = defineErrors({
  missing_token: {
    status: 401,
    type: 'authentication_error',
    message: "Missing or malformed Authorization header: send 'Authorization: Bearer <token>'.",
  },
  invalid_token: {
    status: 401,
    type: 'authentication_error',
    message: 'Invalid token: not in the sk-… format this gateway issues.',
  },
  token_not_found: { status: 401, type: 'authentication_error', message: 'Token not found.' },
  token_inactive: { status: 401, type: 'authentication_error', message: 'Token is inactive (revoked).' },
  token_expired: { status: 401, type: 'authentication_error', message: 'Token has expired.' },
  rate_limit_exceeded: {
    status: 429,
    type: 'rate_limit_error',
    message: 'Rate limit exceeded: this token has used all of its max_requests.',
  },
  project_inactive: { status: 403, type: 'permission_error', message: 'Project is inactive.' },
  method_not_allowed: {
    status: 405,
    type: 'invalid_request_error',
    message: ({ method }: { method: string }) => `Method ${method} is not allowed on this endpoint.`,
  },
  endpoint_not_found: {
    status: 404,
    type: 'invalid_request_error',
    message: ({ path }: { path: string }) =>
      `Endpoint not found: ${path} is not an allowed endpoint of this gateway.`,
  },
  param_not_allowed: {
    status: 400,
    type: 'invalid_request_error',
    message: ({ param, value, allowed }: { param: string; value: string; allowed: string }) =>
      `Parameter '${param}' value '${value}' is not allowed. Allowed patterns: [${allowed}]`,
  },
  origin_required: {
    status: 400,
    type: 'invalid_request_error',
    message: 'Origin header required: this gateway only serves requests that name their Origin.',
  },
  origin_not_allowed: { status: 403, type: 'permission_error', message: 'Origin not allowed.' },
  upstream_auth_error: {
    status: 503,
    type: 'server_error',
    message: "Upstream authentication error: the project's upstream key cannot be read.",
  },
  upstream_unreachable: {
    status: 502,
    type: 'server_error',
    message: 'The upstream model server could not be reached.',
  },
  upstream_timeout: {
    status: 504,
    type: 'server_error',
    message: 'The upstream model server did not answer in time.',
  },
  draining: {
    status: 503,
    type: 'server_error',
    message: 'The gateway is shutting down; retry on another instance.',
  },
});
