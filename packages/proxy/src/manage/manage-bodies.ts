import { z } from 'zod';
import { manageError } from './manage-errors.js';

/*
 * Request bodies, with the original's decoding rules: unknown fields are ignored, `null` means "not sent" (Go
 * decodes it into a zero value), and a value of the wrong type makes the whole body invalid (`invalid request
 * body`). Rules about values (required, ranges) are checked by the handlers, in the original's order, so each
 * case answers with the original's message.
 */

const optionalString = z.string().nullish();
const optionalBoolean = z.boolean().nullish();
/** Go decodes into `int`: fractions and out-of-range numbers are a decoding error. */
const optionalInt = z.int().nullish();

export const CreateProjectBody = z.object({
  name: optionalString,
  api_key: optionalString,
  /** Our extension: the project's upstream base URL; absent or null = the gateway's global upstream. */
  upstream_url: optionalString,
});

export const UpdateProjectBody = z.object({
  name: optionalString,
  api_key: optionalString,
  is_active: optionalBoolean,
  revoke_tokens: optionalBoolean,
  /** Absent = unchanged; null or "" = back to the global upstream. */
  upstream_url: z.string().nullable().optional(),
});

export type UpdateProjectInput = z.output<typeof UpdateProjectBody>;

export const CreateTokenBody = z.object({
  project_id: optionalString,
  duration_minutes: optionalInt,
  max_requests: optionalInt,
});

export const UpdateTokenBody = z.object({
  is_active: optionalBoolean,
  max_requests: optionalInt,
});

/** Parses a body or throws `invalid_request_body`, naming the first offending field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined)
    throw manageError('invalid_request_body', { description: 'the request has no JSON body' });
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
  const description =
    issue?.code === 'invalid_type'
      ? `${where}: expected ${issue.expected}`
      : `${where}: ${issue?.message ?? 'invalid'}`;
  throw manageError('invalid_request_body', { description });
}

/** `upstream_url` must be an absolute http(s) URL; returns it normalised, or null for "use the global upstream". */
export function parseUpstreamUrl(value: string | null | undefined): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw manageError('invalid_upstream_url', {
      description: `upstream_url ${JSON.stringify(value)} is not a URL`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw manageError('invalid_upstream_url', {
      description: `upstream_url uses ${url.protocol}; use http: or https:`,
    });
  }
  if (url.username !== '' || url.password !== '') {
    // Credentials in a URL end up in logs and listings; the upstream key belongs in api_key.
    throw manageError('invalid_upstream_url', {
      description: 'upstream_url must not contain credentials; put the key in api_key',
    });
  }
  // A bare host is stored without the trailing slash `URL` adds; any path is kept exactly as written.
  return url.pathname === '/' && url.search === '' && url.hash === '' ? url.origin : url.href;
}

/** The original rejects keys that look like its own obfuscated display form, so a round-tripped form cannot overwrite the real key. */
export function assertNotObfuscated(apiKey: string): void {
  if (apiKey.includes('...') || apiKey.includes('****')) throw manageError('obfuscated_api_key');
}
