import { describe, expect, it } from 'vitest';
import { OpenAIErrorEnvelopeSchema } from '../openai/error-envelope.js';
import { CoreErrors } from './core-errors.js';
import { fromWireIssue } from './from-wire-issue.js';
import { isLlmopsError, LlmopsError } from './llmops-error.js';
import { toErrorResponse } from './to-envelope.js';

describe('error response', () => {
  it('answers an LlmopsError with its own status, headers and envelope', () => {
    const err = CoreErrors.error('rate_limit_exceeded', undefined, { headers: { 'retry-after': '3' } });
    expect(toErrorResponse(err)).toEqual({
      status: 429,
      headers: { 'retry-after': '3' },
      body: {
        error: { message: err.message, type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
      },
    });
  });

  it('answers anything else with a generic 500 that leaks nothing', () => {
    const secret = new Error('connect ECONNREFUSED 10.0.0.7:8000 token=sk-live-123');
    for (const thrown of [secret, 'a string', { status: 404 }, undefined]) {
      const response = toErrorResponse(thrown);
      expect(response.status).toBe(500);
      expect(response.body.error).toMatchObject({
        type: 'server_error',
        code: 'internal_error',
        param: null,
      });
      expect(JSON.stringify(response)).not.toMatch(/ECONNREFUSED|10\.0\.0\.7|sk-live/);
      expect(OpenAIErrorEnvelopeSchema.safeParse(response.body).success).toBe(true);
    }
  });

  it('never exposes the cause of an LlmopsError', () => {
    const err = CoreErrors.error('upstream_unavailable', undefined, { cause: new Error('10.0.0.7 refused') });
    expect(JSON.stringify(toErrorResponse(err))).not.toContain('10.0.0.7');
  });

  it('returns headers the caller may mutate without touching the error', () => {
    const err = CoreErrors.error('service_unavailable', undefined, { headers: { 'retry-after': '1' } });
    toErrorResponse(err).headers['x-extra'] = '1';
    expect(err.headers).toEqual({ 'retry-after': '1' });
  });
});

describe('isLlmopsError', () => {
  it('recognises instances and errors from another copy of core', () => {
    expect(isLlmopsError(CoreErrors.error('invalid_json'))).toBe(true);
    const foreign = Object.assign(new Error('x'), { [Symbol.for('llmops.error')]: true });
    expect(isLlmopsError(foreign)).toBe(true);
  });

  it('rejects plain errors and look-alikes without the brand', () => {
    expect(isLlmopsError(new Error('x'))).toBe(false);
    expect(isLlmopsError({ code: 'invalid_json', status: 400 })).toBe(false);
    expect(isLlmopsError(null)).toBe(false);
  });

  it('is an Error with a stack, a name and a cause', () => {
    const err = new LlmopsError({
      code: 'x',
      status: 400,
      type: 'invalid_request_error',
      message: 'm',
      cause: 1,
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('LlmopsError');
    expect(err.stack).toContain('LlmopsError');
    expect(err.cause).toBe(1);
  });
});

describe('error from a wire issue', () => {
  it('maps a missing parameter to missing_parameter with its param', () => {
    const err = fromWireIssue({ param: 'messages', message: "'messages' is required", kind: 'missing' });
    expect(toErrorResponse(err).body.error).toEqual({
      message: "'messages' is required",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'missing_parameter',
    });
  });

  it('maps an invalid parameter to invalid_parameter, keeping the message', () => {
    const message = `'temperature' must be a number between 0 and 2, got "hot"`;
    const err = fromWireIssue({ param: 'temperature', message, kind: 'invalid' });
    expect(err).toMatchObject({ code: 'invalid_parameter', status: 400, param: 'temperature', message });
  });

  it('reports a wrong body with a null param', () => {
    expect(
      fromWireIssue({ param: '', message: 'The request body must be an object', kind: 'invalid' }).param,
    ).toBeNull();
  });
});
