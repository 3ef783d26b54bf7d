import { StoreConstraintError } from '../store/store-errors.js';

/*
 * Every error the management API answers with, and the one function that turns anything thrown into a reply.
 *
 * Wire shape: `{"error": <text>, "code": <code>, "message": <text>, "description"?: <detail>}` with
 * `Content-Type: application/json`.
 * - `error` keeps the Go original's exact text: its CLI and admin UI (and users' scripts) read that field.
 * - `code` is stable and always present (the original only sent it for `project_inactive`; its OpenAPI `Error` and
 *   `ErrorResponse` schemas require it). Codes are a public contract: add freely, never rename.
 * - `message` is required by the OpenAPI `Error` schema; it repeats `error` unless the original said more there
 *   (project deletion).
 * - `description` carries per-occurrence detail (which field was wrong), never internals.
 */

export interface ManageErrorDefinition {
  readonly status: number;
  /** The `error` text; the original's wording where the original had the case. */
  readonly error: string;
  /** The `message` text when it differs from `error`. */
  readonly message?: string;
}

export const MANAGE_ERRORS = {
  missing_authorization: { status: 401, error: 'missing or invalid Authorization header' },
  invalid_management_token: { status: 401, error: 'invalid management token' },
  invalid_request_body: { status: 400, error: 'invalid request body' },
  invalid_query: { status: 400, error: 'invalid query parameter' },
  /** An empty id (`/manage/projects/`); the original's texts. */
  invalid_project_id: { status: 400, error: 'invalid project id' },
  token_id_required: { status: 400, error: 'token ID is required' },
  audit_event_id_required: { status: 400, error: 'audit event ID is required' },
  /** `/manage/projects//tokens/revoke`. */
  invalid_path: { status: 400, error: 'invalid path' },
  /** The gateway has no response cache: the original's answer when its cache is off. */
  caching_disabled: { status: 400, error: 'caching is disabled' },
  name_and_api_key_required: { status: 400, error: 'name and api_key are required' },
  name_required: { status: 400, error: 'name must not be empty' },
  obfuscated_api_key: {
    status: 400,
    error: 'cannot save obfuscated API key - please provide the full API key',
  },
  invalid_upstream_url: { status: 400, error: 'upstream_url must be an absolute http or https URL' },
  /** A 400 because the OpenAPI spec lists no 409 for these operations. */
  project_name_taken: { status: 400, error: 'a project with this name already exists' },
  revoke_tokens_requires_inactive: { status: 400, error: 'revoke_tokens requires is_active=false' },
  project_id_and_duration_required: { status: 400, error: 'project_id and duration_minutes are required' },
  duration_too_long: { status: 400, error: 'duration_minutes exceeds maximum allowed' },
  project_id_required: { status: 400, error: 'project_id is required' },
  max_requests_negative: { status: 400, error: 'max_requests must be >= 0' },
  no_fields_to_update: { status: 400, error: 'no fields to update' },
  project_inactive: { status: 403, error: 'cannot create tokens for inactive projects' },
  project_not_found: { status: 404, error: 'project not found' },
  token_not_found: { status: 404, error: 'token not found' },
  audit_event_not_found: { status: 404, error: 'audit event not found' },
  route_not_found: { status: 404, error: 'not found' },
  project_deletion_not_allowed: {
    status: 405,
    error: 'method not allowed',
    message: 'project deletion is not permitted',
  },
  method_not_allowed: { status: 405, error: 'method not allowed' },
  body_too_large: { status: 413, error: 'request body too large' },
  /** Anything unexpected (a store failure): the cause goes to the log, the client sees only this. */
  internal_error: { status: 500, error: 'internal server error' },
} as const satisfies Record<string, ManageErrorDefinition>;

export type ManageErrorCode = keyof typeof MANAGE_ERRORS;

export interface ManageErrorExtra {
  /** Which input was wrong and how to fix it; shown to the client. */
  description?: string;
  headers?: Readonly<Record<string, string>>;
  /** For the log only. */
  cause?: unknown;
}

/** A management API failure with a registry code. Thrown by handlers and hooks, answered by the error handler. */
export class ManageError extends Error {
  override name = 'ManageError';
  readonly code: ManageErrorCode;
  readonly status: number;
  readonly description: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ManageErrorCode, extra: ManageErrorExtra = {}) {
    const def: ManageErrorDefinition = MANAGE_ERRORS[code];
    super(def.error, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.status = def.status;
    this.description = extra.description;
    this.headers = extra.headers ?? {};
  }
}

export function manageError(code: ManageErrorCode, extra?: ManageErrorExtra): ManageError {
  return new ManageError(code, extra);
}

export interface ManageErrorBody {
  error: string;
  code: ManageErrorCode;
  message: string;
  description?: string;
}

export interface ManageErrorReply {
  status: number;
  headers: Record<string, string>;
  body: ManageErrorBody;
  /** True when the error was not one of ours: the caller logs the original error. */
  unexpected: boolean;
}

/** The single mapping from anything thrown in the management API to its HTTP answer. */
export function toManageErrorReply(err: unknown): ManageErrorReply {
  const known = err instanceof ManageError ? err : fromLowerLayers(err);
  const error = known ?? manageError('internal_error', { cause: err });
  const def: ManageErrorDefinition = MANAGE_ERRORS[error.code];
  const body: ManageErrorBody = { error: def.error, code: error.code, message: def.message ?? def.error };
  if (error.description !== undefined) body.description = error.description;
  return { status: error.status, headers: { ...error.headers }, body, unexpected: known === undefined };
}

/**
 * Errors raised below the handlers: the store's constraint violations (a duplicate project name was a 500
 * `failed to create project` in the original) and Fastify's body-parsing errors.
 */
function fromLowerLayers(err: unknown): ManageError | undefined {
  if (err instanceof StoreConstraintError) {
    if (err.subject === 'projects.name') return manageError('project_name_taken', { cause: err });
    if (err.subject === 'tokens.project_id') {
      // Deactivated between the handler's check and the insert (the store refuses it in the same statement).
      if (err.constraint === 'inactive') return manageError('project_inactive', { cause: err });
      return manageError('project_not_found', { cause: err });
    }
    return undefined;
  }
  if (typeof err !== 'object' || err === null) return undefined;
  const { code } = err as { code?: unknown };
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return manageError('body_too_large', { cause: err });
  if (typeof code === 'string' && code.startsWith('FST_ERR_CTP_')) {
    return manageError('invalid_request_body', { cause: err });
  }
  if (err instanceof SyntaxError) return manageError('invalid_request_body', { cause: err });
  return undefined;
}
