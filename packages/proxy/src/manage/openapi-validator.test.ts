import { describe, expect, it } from 'vitest';
import { OpenApiValidator, ORIGINAL_OPENAPI_PATH, toJsonSchema } from './openapi-validator.test-support.js';

/* The compat suite is only as strict as its validator: these cases prove it rejects what it must. */

const validator = OpenApiValidator.fromFile(ORIGINAL_OPENAPI_PATH);
const json = 'application/json; charset=utf-8';
const project = {
  id: '123e4567-e89b-12d3-a456-426614174000',
  name: 'p',
  is_active: true,
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-01T00:00:00.000Z',
};
const token = {
  token: '123e4567-e89b-12d3-a456-426614174000',
  project_id: project.id,
  expires_at: '2025-01-01T00:00:00.000Z',
  is_active: true,
  request_count: 0,
  max_requests: 0,
  created_at: '2025-01-01T00:00:00.000Z',
};

describe('OpenAPI response validator', () => {
  it('accepts a response that matches the spec', () => {
    expect(
      validator.check({
        method: 'GET',
        path: `/manage/projects/${project.id}`,
        status: 200,
        contentType: json,
        body: project,
      }),
    ).toEqual([]);
  });

  it('rejects a body missing a required field', () => {
    const { name: _name, ...body } = project;
    const problems = validator.check({
      method: 'GET',
      path: '/manage/projects',
      status: 200,
      contentType: json,
      body: [body],
    });
    expect(problems.join('\n')).toMatch(/must have required property 'name'/);
  });

  it('rejects a field of the wrong format, following $refs', () => {
    const problems = validator.check({
      method: 'GET',
      path: '/manage/projects',
      status: 200,
      contentType: json,
      body: [{ ...project, created_at: 'yesterday' }],
    });
    expect(problems.join('\n')).toMatch(/created_at must match format "date-time"/);
  });

  it('rejects a status the operation does not document', () => {
    const problems = validator.check({
      method: 'POST',
      path: '/manage/tokens',
      status: 200,
      contentType: json,
      body: token,
    });
    expect(problems).toEqual(['POST /manage/tokens → 200: status not documented for this operation']);
  });

  it('resolves shared responses: a 401 must carry code and message', () => {
    const problems = validator.check({
      method: 'GET',
      path: '/manage/tokens',
      status: 401,
      contentType: json,
      body: { error: 'x' },
    });
    expect(problems.join('\n')).toMatch(/required property 'code'/);
  });

  it("rejects a JSON body sent as text/plain (the original's management errors)", () => {
    const problems = validator.check({
      method: 'GET',
      path: '/manage/tokens',
      status: 401,
      contentType: 'text/plain; charset=utf-8',
      body: { error: 'x', code: 'y', message: 'x' },
    });
    expect(problems.join('\n')).toMatch(/not application\/json/);
  });

  it('honours nullable: last_used_at may be null, expires_at may not', () => {
    const ok = validator.check({
      method: 'GET',
      path: `/manage/tokens/${project.id}`,
      status: 200,
      contentType: json,
      body: { ...token, last_used_at: null },
    });
    expect(ok).toEqual([]);
    const bad = validator.check({
      method: 'GET',
      path: `/manage/tokens/${project.id}`,
      status: 200,
      contentType: json,
      body: { ...token, expires_at: null },
    });
    expect(bad.join('\n')).toMatch(/expires_at must be string/);
  });

  it('requires an empty body where the spec documents none (204)', () => {
    const path = `/manage/tokens/${project.id}`;
    expect(
      validator.check({ method: 'DELETE', path, status: 204, contentType: undefined, body: undefined }),
    ).toEqual([]);
    expect(
      validator.check({ method: 'DELETE', path, status: 204, contentType: json, body: {} }),
    ).toHaveLength(1);
  });

  it('converts OpenAPI 3.0 schema objects to JSON Schema', () => {
    expect(toJsonSchema({ type: 'string', nullable: true, example: 'x', format: 'date-time' })).toEqual({
      type: ['string', 'null'],
      format: 'date-time',
    });
    expect(toJsonSchema({ $ref: '#/components/schemas/Project', nullable: true })).toEqual({
      anyOf: [{ $ref: '#/definitions/Project' }, { type: 'null' }],
    });
  });
});
