import { describe, expect, it } from 'vitest';
import { StoreConstraintError } from '../store/store-errors.js';
import { MANAGE_ERRORS, manageError, toManageErrorReply, type ManageErrorCode } from './manage-errors.js';
import { OpenApiValidator, ORIGINAL_OPENAPI_PATH } from './openapi-validator.test-support.js';

/** The original's `error` texts (internal/server/server.go); its CLI, admin UI and users' scripts match on them. */
const ORIGINAL_TEXTS: Partial<Record<ManageErrorCode, string>> = {
  missing_authorization: 'missing or invalid Authorization header',
  invalid_management_token: 'invalid management token',
  invalid_request_body: 'invalid request body',
  name_and_api_key_required: 'name and api_key are required',
  obfuscated_api_key: 'cannot save obfuscated API key - please provide the full API key',
  revoke_tokens_requires_inactive: 'revoke_tokens requires is_active=false',
  project_id_and_duration_required: 'project_id and duration_minutes are required',
  duration_too_long: 'duration_minutes exceeds maximum allowed',
  project_id_required: 'project_id is required',
  max_requests_negative: 'max_requests must be >= 0',
  no_fields_to_update: 'no fields to update',
  project_inactive: 'cannot create tokens for inactive projects',
  project_not_found: 'project not found',
  token_not_found: 'token not found',
  audit_event_not_found: 'audit event not found',
  project_deletion_not_allowed: 'method not allowed',
  method_not_allowed: 'method not allowed',
};

const codes = Object.keys(MANAGE_ERRORS) as ManageErrorCode[];
const validator = OpenApiValidator.fromFile(ORIGINAL_OPENAPI_PATH);

describe('management error registry', () => {
  it.each(codes)('%s has a snake_case code, a 4xx/5xx status and a non-empty text', (code) => {
    expect(code).toMatch(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
    const def = MANAGE_ERRORS[code];
    expect(def.status).toBeGreaterThanOrEqual(400);
    expect(def.status).toBeLessThan(600);
    expect(def.error.trim()).not.toBe('');
  });

  it.each(Object.entries(ORIGINAL_TEXTS))('%s keeps the original\'s text "%s"', (code, text) => {
    expect(toManageErrorReply(manageError(code as ManageErrorCode)).body.error).toBe(text);
  });

  it("keeps the original's code for the inactive-project refusal", () => {
    expect(toManageErrorReply(manageError('project_inactive')).body.code).toBe('project_inactive');
  });

  it.each(codes)("%s answers a body that satisfies the spec's Error and ErrorResponse schemas", (code) => {
    const reply = toManageErrorReply(manageError(code, { description: 'detail' }));
    // GET /manage/tokens documents 401 and 500 as `Error`; POST /manage/projects/{id}/tokens/revoke 404 as `ErrorResponse`.
    const asError = validator.check({
      method: 'GET',
      path: '/manage/tokens',
      status: 500,
      contentType: 'application/json',
      body: reply.body,
    });
    const asErrorResponse = validator.check({
      method: 'POST',
      path: '/manage/projects/x/tokens/revoke',
      status: 404,
      contentType: 'application/json',
      body: reply.body,
    });
    expect([...asError, ...asErrorResponse]).toEqual([]);
  });

  it('answers anything unexpected with a generic 500 that does not leak its message', () => {
    const reply = toManageErrorReply(new Error('SQLITE_CORRUPT at /var/lib/secret.db'));
    expect(reply).toMatchObject({
      status: 500,
      unexpected: true,
      body: { error: 'internal server error', code: 'internal_error' },
    });
    expect(JSON.stringify(reply.body)).not.toContain('secret');
  });

  it('maps body-parsing errors to the original\'s "invalid request body"', () => {
    const err = Object.assign(new Error('Body cannot be empty'), {
      code: 'FST_ERR_CTP_EMPTY_JSON_BODY',
      statusCode: 400,
    });
    expect(toManageErrorReply(err)).toMatchObject({
      status: 400,
      unexpected: false,
      body: { error: 'invalid request body' },
    });
    const big = Object.assign(new Error('too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(toManageErrorReply(big).status).toBe(413);
  });

  it('maps store constraint violations to client errors', () => {
    expect(toManageErrorReply(new StoreConstraintError('unique', 'projects.name')).body.code).toBe(
      'project_name_taken',
    );
    expect(toManageErrorReply(new StoreConstraintError('foreign_key', 'tokens.project_id')).body.code).toBe(
      'project_not_found',
    );
  });

  it('carries per-error headers (Allow on 405)', () => {
    const reply = toManageErrorReply(
      manageError('project_deletion_not_allowed', { headers: { Allow: 'GET, PATCH' } }),
    );
    expect(reply).toMatchObject({ status: 405, headers: { Allow: 'GET, PATCH' } });
    expect(reply.body.message).toBe('project deletion is not permitted');
  });
});
