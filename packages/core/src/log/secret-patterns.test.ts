import { describe, expect, it } from 'vitest';
import { addSecretPattern, redactSecrets, SECRET_PATTERNS } from './secret-patterns.js';

describe('redactSecrets', () => {
  it.each([
    ['Authorization: Bearer abc.def-ghi_jkl~mno+pq/rs==', 'Authorization: Bearer [redacted]'],
    ['bearer sk-abc123456789', 'bearer [redacted]'],
    ['key sk-abc123456789 and sk-proj-XXXXXXXXXXXX', 'key sk-[redacted] and sk-[redacted]'],
    ['mgmt llmops_9fK2mQ7xLp', 'mgmt llmops_[redacted]'],
    ['card tok_1AbCdEfGhIj', 'card tok_[redacted]'],
    ['GET /v1/models?api_key=s3cr3t&x=1', 'GET /v1/models?api_key=[redacted]&x=1'],
    ['jwt eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl', 'jwt [redacted]'],
    [
      'GET https://generativelanguage.googleapis.com/v1/models?key=AIzaSyA1b2C3d4&alt=json',
      'GET https://generativelanguage.googleapis.com/v1/models?key=[redacted]&alt=json',
    ],
    [
      'POST /oauth/token grant_type=refresh_token&refresh_token=r3fr3sh&client_secret=s3cr3t',
      'POST /oauth/token grant_type=refresh_token&refresh_token=[redacted]&client_secret=[redacted]',
    ],
    ['/cb#id_token=abc123&auth_token=def456', '/cb#id_token=[redacted]&auth_token=[redacted]'],
    [
      'https://b.blob.core.windows.net/c?sv=2022&sig=AbC%2Fd3&X-Amz-Signature=0a1b2c',
      'https://b.blob.core.windows.net/c?sv=2022&sig=[redacted]&X-Amz-Signature=[redacted]',
    ],
    [
      'connecting to postgres://llm:hunter2@db:5432/proxy',
      'connecting to postgres://llm:[redacted]@db:5432/proxy',
    ],
    ['redis://:p4ss@cache:6379', 'redis://:[redacted]@cache:6379'],
    [
      "curl -H 'Authorization: Basic dXNlcjpwYXNz' -H 'x-api-key: k3y'",
      "curl -H 'Authorization: Basic [redacted]' -H 'x-api-key: [redacted]'",
    ],
  ])('scrubs %j', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it.each([
    'sk-short',
    'task-abcdefghijkl',
    'llmops_requests_total',
    'tok_per_second_rate',
    'max_tokens=100',
    'plain text with no secrets',
    'monkey=banana&tokens=5&?keyword=x',
    'cache key=abc123 (key alone is only a secret as a URL parameter)',
    'http://localhost:8443/v1/models@latest',
    'basic setup done; authorization failed',
  ])('leaves %j alone', (input) => {
    expect(redactSecrets(input)).toBe(input);
  });

  it('is idempotent', () => {
    const once = redactSecrets(
      'Bearer sk-abc123456789 llmops_9fK2mQ7xLp Authorization: Bearer x https://u:p@h/?key=k&refresh_token=t',
    );
    expect(redactSecrets(once)).toBe(once);
  });

  it('does not break the JSON string it scrubs', () => {
    const line = JSON.stringify({ msg: 'x "Bearer abc123" \\ sk-abc123456789"\n' });
    expect(() => JSON.parse(redactSecrets(line)) as unknown).not.toThrow();
  });
});

describe('addSecretPattern', () => {
  it('lets other packages add patterns, making them global if needed', () => {
    const before = SECRET_PATTERNS.length;
    addSecretPattern(/acme-[0-9]{6}/);
    expect(SECRET_PATTERNS).toHaveLength(before + 1);
    expect(redactSecrets('acme-123456 then acme-654321')).toBe('[redacted] then [redacted]');
  });
});
