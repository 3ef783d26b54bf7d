import { describe, expect, it } from 'vitest';
import { OPENAI_ERROR_TYPES, OpenAIErrorEnvelopeSchema } from '../openai/error-envelope.js';
import { CoreErrors } from './core-errors.js';
import { defineErrors, type ErrorDefinition } from './error-registry.js';
import { LlmopsError } from './llmops-error.js';
import { toErrorResponse } from './to-envelope.js';

/** Stands in for any message's params: every property reads as a plausible value. */
const sampleParams: unknown = new Proxy({}, { get: (_target, key) => `sample-${String(key)}` });

function sampleMessage(def: ErrorDefinition): string {
  return typeof def.message === 'string'
    ? def.message
    : (def.message as (p: unknown) => string)(sampleParams);
}

describe('core error registry', () => {
  const entries = Object.entries(CoreErrors.definitions);

  it('lists every code exactly once', () => {
    expect(new Set(CoreErrors.codes).size).toBe(CoreErrors.codes.length);
    expect([...CoreErrors.codes].sort()).toEqual(entries.map(([code]) => code).sort());
  });

  it.each(entries)('%s has a snake_case code, a 4xx/5xx status and an OpenAI type', (code, def) => {
    expect(code).toMatch(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
    expect(Number.isInteger(def.status) && def.status >= 400 && def.status <= 599).toBe(true);
    expect(OPENAI_ERROR_TYPES).toContain(def.type);
  });

  it.each(entries)('%s has a non-empty message', (_code, def) => {
    expect(sampleMessage(def).trim()).not.toBe('');
  });

  it.each(entries)('%s produces an envelope that validates against the OpenAI error schema', (code, def) => {
    const err = new LlmopsError({ code, status: def.status, type: def.type, message: sampleMessage(def) });
    const response = toErrorResponse(err);
    expect(response.status).toBe(def.status);
    expect(OpenAIErrorEnvelopeSchema.safeParse(response.body).success).toBe(true);
    expect(response.body.error.code).toBe(code);
  });

  it('has the codes other packages rely on, with their statuses', () => {
    const expected: Record<string, number> = {
      invalid_request: 400,
      invalid_json: 400,
      missing_parameter: 400,
      invalid_parameter: 400,
      invalid_api_key: 401,
      permission_denied: 403,
      model_not_found: 404,
      not_found: 404,
      method_not_allowed: 405,
      request_too_large: 413,
      unsupported_media_type: 415,
      rate_limit_exceeded: 429,
      internal_error: 500,
      upstream_unavailable: 502,
      service_unavailable: 503,
      upstream_timeout: 504,
    };
    for (const [code, status] of Object.entries(expected)) {
      expect(CoreErrors.definitions[code as keyof typeof CoreErrors.definitions].status).toBe(status);
    }
    expect(CoreErrors.codes).toContain('config_invalid');
  });
});

describe('raising a registered error', () => {
  it('fills message, status, type and param from the code and its params', () => {
    const err = CoreErrors.error('model_not_found', { model: 'gpt-9' }, { param: 'model' });
    expect(err).toBeInstanceOf(LlmopsError);
    expect(err).toMatchObject({
      code: 'model_not_found',
      status: 404,
      type: 'invalid_request_error',
      param: 'model',
    });
    expect(err.message).toContain("'gpt-9'");
  });

  it('names method and path of an unknown route', () => {
    expect(CoreErrors.error('not_found', { method: 'POST', path: '/v1/nope' }).message).toContain(
      'POST /v1/nope',
    );
  });

  it('needs no params for a static message and defaults param to null', () => {
    const err = CoreErrors.error('invalid_json');
    expect(err.param).toBeNull();
    expect(err.headers).toEqual({});
  });

  it('carries headers and cause', () => {
    const cause = new Error('upstream said 429');
    const err = CoreErrors.error('rate_limit_exceeded', undefined, {
      headers: { 'retry-after': '2' },
      cause,
    });
    expect(err.headers).toEqual({ 'retry-after': '2' });
    expect(err.cause).toBe(cause);
  });

  it('recognises its own errors by code', () => {
    const err = CoreErrors.error('upstream_timeout');
    expect(CoreErrors.is(err, 'upstream_timeout')).toBe(true);
    expect(CoreErrors.is(err, 'internal_error')).toBe(false);
    expect(CoreErrors.is(err)).toBe(true);
    expect(CoreErrors.is(new Error('x'))).toBe(false);
  });
});

describe('registry typing', () => {
  it('refuses an unknown code, at compile time and at run time', () => {
    // @ts-expect-error — not a core code
    expect(() => CoreErrors.error('no_such_code')).toThrow(/Unknown error code 'no_such_code'/);
  });

  it('requires the params a message needs, at compile time', () => {
    // @ts-expect-error — model_not_found needs { model }
    const missing = (): unknown => CoreErrors.error('model_not_found');
    // @ts-expect-error — wrong param name
    const misnamed = (): unknown => CoreErrors.error('model_not_found', { name: 'x' });
    expect([missing, misnamed]).toHaveLength(2);
  });
});

describe('defining a registry', () => {
  it('lets another package declare its own codes with the same machinery', () => {
    const SimErrors = defineErrors({
      scenario_not_found: {
        status: 404,
        type: 'not_found_error',
        message: ({ name }: { name: string }) => `No scenario named '${name}'.`,
      },
    });
    const err = SimErrors.error('scenario_not_found', { name: 'burst' });
    expect(toErrorResponse(err)).toEqual({
      status: 404,
      headers: {},
      body: {
        error: {
          message: "No scenario named 'burst'.",
          type: 'not_found_error',
          param: null,
          code: 'scenario_not_found',
        },
      },
    });
    expect(CoreErrors.is(err)).toBe(false);
  });

  it.each([
    ['NotSnake', { status: 400, type: 'invalid_request_error', message: 'm' }],
    ['ok_code', { status: 200, type: 'invalid_request_error', message: 'm' }],
    ['ok_code', { status: 400, type: 'made_up_error', message: 'm' }],
    ['ok_code', { status: 400, type: 'invalid_request_error', message: ' ' }],
  ])('refuses a bad definition for %s at definition time', (code, def) => {
    expect(() => defineErrors({ [code]: def as ErrorDefinition })).toThrow(/Invalid error definition/);
  });
});
