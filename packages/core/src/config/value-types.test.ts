import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatDurationMs, parseDurationMs } from './duration-type.js';
import { showValue } from './value-type.js';
import type { Parsed, ValueType } from './value-type.js';
import { valueTypes } from './value-types.js';

function fromText<T>(type: ValueType<T>, raw: string): Parsed<T> {
  return type.parseString(raw, showValue);
}

function fromFile<T>(type: ValueType<T>, value: unknown): Parsed<T> {
  return type.parseValue(value, showValue);
}

describe('duration', () => {
  it.each([
    ['5m', 300_000],
    ['90', 90_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['1h', 3_600_000],
    ['2m30s500ms', 150_500],
    // Go's time.ParseDuration units, as an llm-proxy environment may use them.
    ['1500us', 1.5],
    ['250µs', 0.25],
    ['2000000ns', 2],
    ['1m500000us', 60_500],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
    expect(fromText(valueTypes.duration(), text)).toEqual({ ok: true, value: ms });
  });

  it('reads a number in a file as seconds', () => {
    expect(fromFile(valueTypes.duration(), 90)).toEqual({ ok: true, value: 90_000 });
    expect(fromFile(valueTypes.duration(), 0.25)).toEqual({ ok: true, value: 250 });
  });

  it.each(['', 'soon', '5 minutes', '-5s', '5x', 'm5'])('rejects %j', (text) => {
    expect(fromText(valueTypes.duration(), text)).toMatchObject({ ok: false });
  });

  it('enforces min and max, given in milliseconds', () => {
    const type = valueTypes.duration({ min: 1_000, max: 300_000 });
    expect(type.expected).toContain('from 1s to 5m');
    expect(fromText(type, '500ms')).toEqual({ ok: false, problem: '"500ms" is shorter than 1s' });
    expect(fromText(type, '1h')).toEqual({ ok: false, problem: '"1h" is longer than 5m' });
  });

  it('formats milliseconds back in the largest exact units', () => {
    expect(formatDurationMs(5_400_000)).toBe('1h30m');
    expect(formatDurationMs(1_500)).toBe('1s500ms');
    expect(formatDurationMs(0)).toBe('0s');
  });
});

describe('listen', () => {
  it.each([
    [':8080', { host: '0.0.0.0', port: 8080 }],
    ['0.0.0.0:8080', { host: '0.0.0.0', port: 8080 }],
    ['127.0.0.1:9000', { host: '127.0.0.1', port: 9000 }],
    ['localhost:3000', { host: 'localhost', port: 3000 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['[::]:0', { host: '::', port: 0 }],
    ['8080', { host: '0.0.0.0', port: 8080 }],
  ])('reads %s', (text, address) => {
    expect(fromText(valueTypes.listen(), text)).toEqual({ ok: true, value: address });
  });

  it('reads a bare port number from a file like :port', () => {
    expect(fromFile(valueTypes.listen(), 8080)).toEqual({ ok: true, value: { host: '0.0.0.0', port: 8080 } });
  });

  it('asks for brackets around an unbracketed IPv6 address', () => {
    const parsed = fromText(valueTypes.listen(), '::1:8080');
    expect(parsed).toMatchObject({ ok: false });
    expect(!parsed.ok && parsed.problem).toContain('[::1]:8080');
  });

  it.each(['localhost', ':99999', 'host:port', 'bad host:80', '[nope]:80'])('rejects %j', (text) => {
    expect(fromText(valueTypes.listen(), text)).toMatchObject({ ok: false });
  });

  it('formats IPv6 hosts with brackets', () => {
    expect(valueTypes.listen().format({ host: '::1', port: 80 })).toBe('[::1]:80');
    expect(valueTypes.listen().format({ host: '0.0.0.0', port: 80 })).toBe('0.0.0.0:80');
  });
});

describe('boolean', () => {
  // Go's strconv.ParseBool spellings (t, T, f, F) too.
  it.each(['true', 'TRUE', '1', 'yes', 'On', 't', 'T'])('reads %j as true', (text) => {
    expect(fromText(valueTypes.boolean(), text)).toEqual({ ok: true, value: true });
  });
  it.each(['false', 'False', '0', 'NO', 'off', 'f', 'F'])('reads %j as false', (text) => {
    expect(fromText(valueTypes.boolean(), text)).toEqual({ ok: true, value: false });
  });
  it('takes booleans and the strings YAML 1.2 leaves as strings from files', () => {
    expect(fromFile(valueTypes.boolean(), false)).toEqual({ ok: true, value: false });
    expect(fromFile(valueTypes.boolean(), 'yes')).toEqual({ ok: true, value: true });
    expect(fromFile(valueTypes.boolean(), 'maybe')).toMatchObject({ ok: false });
  });
});

describe('numbers', () => {
  it('reads integers and rejects fractions, words and out-of-range values', () => {
    const int = valueTypes.int({ min: 1, max: 10 });
    expect(fromText(int, ' 7 ')).toEqual({ ok: true, value: 7 });
    expect(fromText(int, '7.5')).toEqual({ ok: false, problem: '"7.5" is not a whole number' });
    expect(fromText(int, '11')).toEqual({ ok: false, problem: '11 is more than 10' });
    expect(fromFile(int, 0)).toEqual({ ok: false, problem: '0 is less than 1' });
    expect(int.expected).toBe('an integer from 1 to 10');
  });

  it('reads decimal numbers but not hex, blanks or infinities', () => {
    const number = valueTypes.number({ min: 0 });
    expect(fromText(number, '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(fromText(number, '1e3')).toEqual({ ok: true, value: 1000 });
    for (const text of ['0x10', ' ', 'Infinity', '1,5'])
      expect(fromText(number, text)).toMatchObject({ ok: false });
    expect(number.expected).toBe('a number of at least 0');
  });

  it('limits ports to 0..65535', () => {
    expect(fromText(valueTypes.port(), '65535')).toEqual({ ok: true, value: 65535 });
    expect(fromText(valueTypes.port(), '65536')).toMatchObject({ ok: false });
  });
});

describe('strings, urls, hosts and enums', () => {
  it('checks string length and pattern', () => {
    const id = valueTypes.string({
      pattern: /^[a-z]+\/[a-z0-9-]+$/,
      patternHint: 'a model id like org/name',
    });
    expect(fromText(id, 'meta/llama-3')).toEqual({ ok: true, value: 'meta/llama-3' });
    expect(fromText(id, 'llama')).toMatchObject({ ok: false });
    expect(id.expected).toBe('a model id like org/name');
    expect(valueTypes.string({ minLength: 1 }).expected).toBe('a non-empty string');
  });

  it('refuses numbers for strings in files, since YAML turns 1.10 into 1.1', () => {
    expect(fromFile(valueTypes.string(), 1.1)).toEqual({
      ok: false,
      problem: '1.1 is a number, not a string (quote it in the file)',
    });
  });

  it('accepts only absolute http and https URLs, kept as written', () => {
    expect(fromText(valueTypes.url(), 'http://localhost:8000/v1')).toEqual({
      ok: true,
      value: 'http://localhost:8000/v1',
    });
    expect(fromText(valueTypes.url(), 'localhost:8000')).toMatchObject({ ok: false });
    expect(fromText(valueTypes.url(), 'ftp://example.com')).toMatchObject({ ok: false });
    expect(fromText(valueTypes.url(), '/v1')).toMatchObject({ ok: false });
  });

  it('accepts hostnames and IP addresses, unbracketing IPv6', () => {
    for (const host of ['localhost', 'api.example.com', '10.0.0.1', 'my_service']) {
      expect(fromText(valueTypes.host(), host)).toEqual({ ok: true, value: host });
    }
    expect(fromText(valueTypes.host(), '[::1]')).toEqual({ ok: true, value: '::1' });
    expect(fromText(valueTypes.host(), 'not a host')).toMatchObject({ ok: false });
  });

  it('matches enum choices case-insensitively and suggests the closest', () => {
    const level = valueTypes.enum(['debug', 'info', 'warn']);
    expect(fromText(level, 'INFO')).toEqual({ ok: true, value: 'info' });
    expect(fromText(level, 'inf0')).toEqual({
      ok: false,
      problem: '"inf0" is not one of the choices (did you mean "info"?)',
    });
    expect(level.expected).toBe('one of: debug, info, warn');
  });
});

describe('lists, records and json', () => {
  it('splits lists on commas in text and takes arrays from files', () => {
    const list = valueTypes.list(valueTypes.int());
    expect(fromText(list, '1, 2,3,')).toEqual({ ok: true, value: [1, 2, 3] });
    expect(fromFile(list, [4, '5'])).toEqual({ ok: true, value: [4, 5] });
    expect(fromText(list, '1,x,3,y')).toEqual({
      ok: false,
      problem: 'item 2: "x" is not a whole number; item 4: "y" is not a whole number',
    });
  });

  it('enforces a minimum number of items', () => {
    expect(fromText(valueTypes.list(valueTypes.string(), { minItems: 2 }), 'a')).toMatchObject({ ok: false });
  });

  it('reads records as JSON in text and objects in files, checking every value', () => {
    const record = valueTypes.record(valueTypes.number());
    expect(fromText(record, '{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(fromFile(record, { a: 1, b: 'x' })).toEqual({
      ok: false,
      problem: 'key "b": "x" is not a number',
    });
    expect(fromText(record, '[1]')).toEqual({ ok: false, problem: '"[1]" is JSON a list, not an object' });
  });

  it('takes any JSON object for json', () => {
    expect(fromText(valueTypes.json(), '{"a": [1, {"b": null}]}')).toEqual({
      ok: true,
      value: { a: [1, { b: null }] },
    });
    expect(fromText(valueTypes.json(), '{oops')).toEqual({ ok: false, problem: '"{oops" is not valid JSON' });
  });
});

describe('zod escape hatch', () => {
  const weights = valueTypes.zod(z.array(z.object({ model: z.string(), weight: z.number() })), {
    expected: 'a list of {model, weight}',
  });

  it('validates file values with the schema', () => {
    expect(fromFile(weights, [{ model: 'a', weight: 1 }])).toEqual({
      ok: true,
      value: [{ model: 'a', weight: 1 }],
    });
    const bad = fromFile(weights, [{ model: 'a', weight: 'heavy' }]);
    expect(bad).toMatchObject({ ok: false });
    expect(!bad.ok && bad.problem).toContain('0.weight');
  });

  it('tries text as-is, then as JSON', () => {
    expect(fromText(valueTypes.zod(z.string().email(), { expected: 'an email' }), 'a@b.co')).toMatchObject({
      ok: true,
    });
    expect(fromText(weights, '[{"model":"a","weight":2}]')).toEqual({
      ok: true,
      value: [{ model: 'a', weight: 2 }],
    });
  });
});
