import { describe, expect, it } from 'vitest';
import { ErrorSamples, SAMPLES_PER_CLASS, sampleMessage } from './error-samples.js';

type Failure = [cls: string, status: number, message: string];

function samplesOf(failures: readonly Failure[]): ErrorSamples {
  const e = new ErrorSamples();
  for (const [cls, status, message] of failures) e.note(cls, status, message);
  return e;
}

/** A deterministic shuffle (so a failure names its order). */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('error samples', () => {
  it('count each distinct status and message per class, most frequent first', () => {
    const e = samplesOf([
      ['http_4xx', 404, "HTTP 404: The model 'gpt-4o' does not exist"],
      ['http_4xx', 401, 'HTTP 401: Invalid token'],
      ['http_4xx', 404, "HTTP 404: The model 'gpt-4o' does not exist"],
      ['timeout_first_byte', 0, 'no response headers within 1000 ms'],
    ]);
    expect(e.toJSON()).toEqual({
      http_4xx: {
        samples: [
          { status: 404, message: "The model 'gpt-4o' does not exist", count: 2 },
          { status: 401, message: 'Invalid token', count: 1 },
        ],
        other: 0,
      },
      timeout_first_byte: {
        samples: [{ status: 0, message: 'no response headers within 1000 ms', count: 1 }],
        other: 0,
      },
    });
  });

  it('never keep a secret, and cut long messages', () => {
    const m = sampleMessage('HTTP 401: Incorrect API key provided: sk-abcdefghijklmnop1234', 401);
    expect(m).toBe('Incorrect API key provided: sk-[redacted]');
    const long = sampleMessage(`HTTP 502: <html>${'x'.repeat(5000)}\n\n</html>`, 502);
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
    // Printed on terminals (the summary, loadgen, --debug): no escape sequence or control character gets through.
    expect(sampleMessage('HTTP 500: boom\u001b[2J\u0007 done', 500)).toBe('boom?[2J? done');
    // Shown again (a record's message noted by the metrics), a message stays as it is.
    expect(sampleMessage(long, 502)).toBe(long);
    expect(sampleMessage(m, 401)).toBe(m);
  });

  it('keep memory bounded: past the cap, failures are counted as other', () => {
    const failures: Failure[] = Array.from({ length: 500 }, (_, i) => [
      'http_5xx',
      500,
      `upstream failed for request ${i}`,
    ]);
    const s = samplesOf(failures).toJSON()['http_5xx'];
    expect(s?.samples).toHaveLength(SAMPLES_PER_CLASS);
    expect((s?.samples ?? []).reduce((n, x) => n + x.count, 0) + (s?.other ?? 0)).toBe(500);
  });

  it('keep the same samples with the same counts whatever the order, and merged from any split', () => {
    // 60 distinct messages (past the cap) with different frequencies, in several classes.
    const failures: Failure[] = [];
    for (let i = 0; i < 60; i++)
      for (let k = 0; k <= i % 7; k++)
        failures.push([i % 3 === 0 ? 'http_4xx' : 'http_5xx', i % 3 === 0 ? 400 + (i % 5) : 503, `m${i}`]);
    const single = samplesOf(failures).toJSON();
    for (const seed of [1, 2, 3]) {
      const order = shuffled(failures, seed);
      expect(samplesOf(order).toJSON()).toEqual(single);
      const merged = new ErrorSamples();
      for (let w = 0; w < 4; w++)
        merged.merge(
          ErrorSamples.fromJSON(
            JSON.parse(JSON.stringify(samplesOf(order.filter((_, i) => i % 4 === w)).toJSON())) as ReturnType<
              ErrorSamples['toJSON']
            >,
          ),
        );
      expect(merged.toJSON()).toEqual(single);
    }
  });

  it('read files written before samples were kept as having none', () => {
    expect(ErrorSamples.fromJSON(undefined).toJSON()).toEqual({});
  });
});
