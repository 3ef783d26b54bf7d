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
  ])('recognizes %j', (key) => {
    expect(isSecretKey(key)).toBe(true);
    expect(SECRET_KEY_HINT.test(`{"${key}":1}`)).toBe(true);
  });

  it.each(['max_tokens', 'prompt_tokens', 'tokens', 'key', 'monkey', 'content-type', 'model'])(
    'leaves %j alone',
    (key) => {
      expect(isSecretKey(key)).toBe(false);
    },
  );
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

  it('reports no change when there is nothing to censor (or it is censored already)', () => {
    expect(censorSecretKeys({ a: [1, 'x', null], b: { c: true } })).toBe(false);
    expect(censorSecretKeys({ token: '[redacted]' })).toBe(false);
    expect(censorSecretKeys('token')).toBe(false);
  });
});
