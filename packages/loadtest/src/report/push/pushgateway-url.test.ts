import { describe, expect, it } from 'vitest';
import { groupingPath, pushgatewayTarget } from './pushgateway-url.js';

describe('Pushgateway grouping path', () => {
  it('puts job and grouping labels in the path, in order', () => {
    expect(
      groupingPath('loadtest_worker', [
        ['test_run_id', 'test-20250101-120000-abcd1234'],
        ['worker_id', 'worker-host-1'],
      ]),
    ).toBe('/metrics/job/loadtest_worker/test_run_id/test-20250101-120000-abcd1234/worker_id/worker-host-1');
  });

  it('writes a value containing / in the @base64 form (URL-safe alphabet)', () => {
    const value = 'team/a?b>>';
    const path = groupingPath('j', [['test_run_id', value]]);
    const m = /^\/metrics\/job\/j\/test_run_id@base64\/([A-Za-z0-9_-]+)$/.exec(path);
    expect(m).not.toBeNull();
    expect(Buffer.from(m?.[1] ?? '', 'base64url').toString('utf8')).toBe(value);
  });

  it('writes an empty value as @base64/=', () => {
    expect(groupingPath('j', [['worker_id', '']])).toBe('/metrics/job/j/worker_id@base64/=');
  });

  it('base64-encodes the dot segments . and .., which URL normalization would remove from the path', () => {
    expect(groupingPath('j', [['test_run_id', '.']])).toBe(
      `/metrics/job/j/test_run_id@base64/${Buffer.from('.').toString('base64url')}`,
    );
    expect(groupingPath('..', [['worker_id', '..']])).toBe(
      `/metrics/job@base64/${Buffer.from('..').toString('base64url')}/worker_id@base64/${Buffer.from('..').toString('base64url')}`,
    );
  });

  it('percent-encodes other special characters and base64-encodes a job with a slash', () => {
    expect(groupingPath('j', [['worker_id', 'a b#c%']])).toBe('/metrics/job/j/worker_id/a%20b%23c%25');
    expect(groupingPath('a/b', [])).toBe(`/metrics/job@base64/${Buffer.from('a/b').toString('base64url')}`);
  });

  it('rejects an empty job and invalid or reserved label names', () => {
    expect(() => groupingPath('', [])).toThrow(/job name/);
    expect(() => groupingPath('j', [['bad-name', 'x']])).toThrow(/bad-name/);
    expect(() => groupingPath('j', [['job', 'x']])).toThrow(/job/);
    expect(() => groupingPath('j', [['__name__', 'x']])).toThrow(/__name__/);
  });
});

describe('Pushgateway target URL', () => {
  it('keeps a path prefix and drops a trailing slash', () => {
    expect(pushgatewayTarget('http://pgw:9091/').base).toBe('http://pgw:9091');
    expect(pushgatewayTarget('https://example.net/pushgateway/').base).toBe(
      'https://example.net/pushgateway',
    );
  });

  it('turns credentials into basic auth and keeps them out of the base URL', () => {
    const t = pushgatewayTarget('http://user:s%40cret@pgw:9091?x=1#f');
    expect(t.base).toBe('http://pgw:9091');
    expect(t.authorization).toBe(`Basic ${Buffer.from('user:s@cret').toString('base64')}`);
    expect(pushgatewayTarget('http://pgw:9091').authorization).toBeNull();
  });

  it('rejects what is not an http(s) URL', () => {
    expect(() => pushgatewayTarget('pgw:9091')).toThrow(/http or https/);
    expect(() => pushgatewayTarget('not a url')).toThrow(/not a valid URL/);
  });
});
