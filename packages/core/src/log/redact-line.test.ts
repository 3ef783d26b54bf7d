import { describe, expect, it } from 'vitest';
import { redactInterpolationArgs, redactLogLine } from './redact-line.js';

describe('redactLogLine', () => {
  it('returns a line without secrets unchanged (same string)', () => {
    const line = '{"level":30,"monkey":"banana","max_tokens":5,"msg":"ok"}\n';
    expect(redactLogLine(line)).toBe(line);
  });

  it('censors secret keys and keeps the line a single JSON line with its newline', () => {
    const out = redactLogLine(
      '{"level":30,"req":{"headers":{"authorization":"Basic dXNlcjpwYXNz"}},"msg":"x"}\n',
    );
    expect(out).toBe('{"level":30,"req":{"headers":{"authorization":"[redacted]"}},"msg":"x"}\n');
  });

  it('still scrubs secret-looking text from lines that are not JSON', () => {
    expect(redactLogLine('12:00 INFO token":sk-abc123456789\n')).toBe('12:00 INFO token":sk-[redacted]\n');
  });
});

describe('redactInterpolationArgs', () => {
  it('censors copies of object arguments after the message, never the originals', () => {
    const cfg = { apiKey: 'k' };
    const args = ['cfg %j', cfg];
    expect(redactInterpolationArgs(args)).toEqual(['cfg %j', { apiKey: '[redacted]' }]);
    expect(cfg.apiKey).toBe('k');
  });

  it('leaves the merge object (handled on the line) and harmless arguments as they are', () => {
    const args = [{ apiKey: 'k' }, 'n=%d', 5];
    expect(redactInterpolationArgs(args)).toBe(args);
  });

  it('censors circular arguments too, marking the cycle', () => {
    const circular: Record<string, unknown> = { password: 'p', nested: { token: 't' } };
    circular.self = circular;
    const args = ['x %o', circular];
    expect(redactInterpolationArgs(args)).toEqual([
      'x %o',
      { password: '[redacted]', nested: { token: '[redacted]' }, self: '[Circular]' },
    ]);
    expect(circular.password).toBe('p');
  });
});
