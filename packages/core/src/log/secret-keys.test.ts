import { describe, expect, it } from 'vitest';
import { censorSecretKeys, isSecretKey, SECRET_KEY_HINT } from './secret-keys.js';

describe('isSecretKey', () => {
  it.each([
    'apiKey',
    'api_key',
    'API-KEY',
    'x-api-key',
    'Authorization',
    'cookie',
    'Set-Cookie',
    'token',
    'management_token',
    'managementToken',
    'password',
    'secret',
    'encryptionKey',
    'upstreamApiKey',
    'adminApiKey',
    'OPENAI_API_KEY',
    'X-Goog-Api-Key',
    'client_secret',
    'DB_PASSWORD',
    'refresh_token',
    'aws_secret_access_key',
  ])('recognizes %j', (key) => {
    expect(isSecretKey(key)).toBe(true);
    expect(SECRET_KEY_HINT.test(`{"${key}":1}`)).toBe(true);
  });

  it.each([
    'max_tokens',
    'prompt_tokens',
    'tokens',
    'key',
    'monkey',
    'content-type',
    'model',
    'firstToken',
    'tokenizer',
    'keyId',
  ])('leaves %j alone', (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});

describe('censorSecretKeys', () => {
  it('censors values of secret keys at any depth, inside arrays too, whatever their type', () => {
    const value = { a: { b: [{ token: { nested: 1 } }, { password: 42 }] }, apiKey: 'k', keep: 'v' };
    expect(censorSecretKeys(value)).toBe(true);
    expect(value).toEqual({
      a: { b: [{ token: '[redacted]' }, { password: '[redacted]' }] },
      apiKey: '[redacted]',
      keep: 'v',
    });
  });

  it('censors the value after a secret header name in name/value lists (rawHeaders, header entries)', () => {
    const value = {
      rawHeaders: ['Host', 'x', 'Authorization', 'Basic dXNlcjpwYXNz', 'X-Api-Key', 'k1'],
      entries: [
        ['content-type', 'application/json'],
        ['cookie', 'c1'],
      ],
    };
    expect(censorSecretKeys(value)).toBe(true);
    expect(value).toEqual({
      rawHeaders: ['Host', 'x', 'Authorization', '[redacted]', 'X-Api-Key', '[redacted]'],
      entries: [
        ['content-type', 'application/json'],
        ['cookie', '[redacted]'],
      ],
    });
    expect(SECRET_KEY_HINT.test(JSON.stringify(value))).toBe(true);
    expect(SECRET_KEY_HINT.test('{"rawHeaders":["authorization","x"]}')).toBe(true);
  });

  it('leaves lists alone whose secret-looking words are not header names', () => {
    const value = { words: ['a', 'token', 'b'], odd: ['token', 'x', 'y'] };
    expect(censorSecretKeys(value)).toBe(false);
  });

  it('reports no change when there is nothing to censor (or it is censored already)', () => {
    expect(censorSecretKeys({ a: [1, 'x', null], b: { c: true } })).toBe(false);
    expect(censorSecretKeys({ token: '[redacted]' })).toBe(false);
    expect(censorSecretKeys('token')).toBe(false);
  });
});
