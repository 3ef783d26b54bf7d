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
  ])('leaves %j alone', (input) => {
    expect(redactSecrets(input)).toBe(input);
  });

  it('is idempotent', () => {
    const once = redactSecrets('Bearer sk-abc123456789 llmops_9fK2mQ7xLp');
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
