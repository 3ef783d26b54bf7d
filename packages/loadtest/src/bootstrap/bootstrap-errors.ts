import type { CleanupReport, Tenants } from './tenants.js';

/**
 * Every failure of tenant bootstrap and cleanup, with a stable `code`. The first three are raised by targets (one
 * remote call failed); the others by `bootstrapTenants` / `cleanupTenants` (an object could not be created, the
 * run was aborted, the plan is invalid). Codes are a contract: add freely, never rename.
 *
 * Messages never contain a credential: targets build them from the method, the path and the server's own
 * message, scrubbed of the secrets they know (see `bootstrap-http.ts`).
 */
export const BOOTSTRAP_ERRORS = {
  http_status: 'the server answered a bootstrap call with a non-2xx status',
  network: 'a bootstrap call failed before an answer arrived (connection refused or reset, timeout)',
  invalid_response: 'the server answered 2xx with a body that is not what the API documents',
  create_failed: 'an organization, user or API key could not be created',
  aborted: 'the bootstrap was aborted by its signal',
  invalid_plan: 'the tenant plan has an impossible value (a negative count, a fraction)',
} as const;

export type BootstrapErrorCode = keyof typeof BOOTSTRAP_ERRORS;

export interface BootstrapErrorDetails {
  /** The HTTP status, for `http_status` (and `create_failed` caused by one). */
  status?: number;
  /** The server's `Retry-After`, in ms. */
  retryAfterMs?: number;
  /** The stable `code` of the server's JSON error body, when it sent one (e.g. `project_name_taken`). */
  serverCode?: string;
  /** What was being created, e.g. `user "lt-user-1-2"`. */
  subject?: string;
  /** For a failed bootstrap: what had been created when it failed (kept only with `keepOnFailure`). */
  partial?: Tenants;
  /** For a failed bootstrap: how the cleanup of what had been created went. */
  cleanup?: CleanupReport;
  cause?: unknown;
}

export class BootstrapError extends Error {
  override name = 'BootstrapError';
  readonly code: BootstrapErrorCode;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly serverCode: string | undefined;
  readonly subject: string | undefined;
  readonly partial: Tenants | undefined;
  readonly cleanup: CleanupReport | undefined;

  constructor(code: BootstrapErrorCode, message: string, details: BootstrapErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.serverCode = details.serverCode;
    this.subject = details.subject;
    this.partial = details.partial;
    this.cleanup = details.cleanup;
  }
}

/** Worth retrying: no answer at all, 429, or a 5xx. Anything else (a 4xx, a bad body, a bug) fails at once. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof BootstrapError)) return false;
  if (err.code === 'network') return true;
  if (err.code !== 'http_status' || err.status === undefined) return false;
  return err.status === 429 || err.status >= 500;
}
