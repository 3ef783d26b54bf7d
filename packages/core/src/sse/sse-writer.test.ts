import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';
import type { SseEvent } from './sse-parser.js';
import { isDone, SSE_DONE, SSE_DONE_DATA, sseComment, sseData, sseEvent, sseJson } from './sse-writer.js';

function parseAll(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((ev) => events.push(ev));
  parser.push(text);
  parser.end();
  return events;
}

describe('sseEvent', () => {
  it('writes only the fields given, then one data line per line, then a blank line', () => {
    expect(sseEvent({ data: 'hi' })).toBe('data: hi\n\n');
    expect(sseEvent({ event: 'delta', id: '42', retry: 3000, data: 'a\nb' })).toBe(
      'event: delta\nid: 42\nretry: 3000\ndata: a\ndata: b\n\n',
    );
  });

  it('splits data on CRLF and CR as well, which the parser returns as LF', () => {
    expect(sseEvent({ data: 'a\r\nb\rc' })).toBe('data: a\ndata: b\ndata: c\n\n');
    expect(parseAll(sseEvent({ data: 'a\r\nb\rc' }))[0]?.data).toBe('a\nb\nc');
  });

  it('writes an empty data line for empty data, so the event is still dispatched', () => {
    expect(sseEvent({ data: '' })).toBe('data: \n\n');
    expect(parseAll(sseEvent({ data: '' }))).toHaveLength(1);
  });

  it('preserves leading spaces of values (the one space after the colon is always written)', () => {
    expect(parseAll(sseEvent({ event: ' x', data: '  y' }))[0]).toMatchObject({ event: ' x', data: '  y' });
  });

  it('refuses fields that cannot be framed', () => {
    expect(() => sseEvent({ data: '', event: 'a\nb' })).toThrow(RangeError);
    expect(() => sseEvent({ data: '', id: 'a\rb' })).toThrow(RangeError);
    expect(() => sseEvent({ data: '', id: 'a\0b' })).toThrow(RangeError);
    expect(() => sseEvent({ data: '', retry: -1 })).toThrow(RangeError);
    expect(() => sseEvent({ data: '', retry: 1.5 })).toThrow(RangeError);
  });
});

describe('sseData / sseJson', () => {
  it('takes the one-line fast path and falls back to one line per line', () => {
    expect(sseData('{"x":1}')).toBe('data: {"x":1}\n\n');
    expect(sseData('a\nb')).toBe('data: a\ndata: b\n\n');
  });

  it('serializes JSON on one line, even for strings containing line breaks', () => {
    const value = { text: 'line1\nline2\r\n', emoji: '😀' };
    expect(sseJson(value)).toBe('data: ' + JSON.stringify(value) + '\n\n');
    expect(JSON.parse(parseAll(sseJson(value))[0]?.data ?? '')).toEqual(value);
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => sseJson(undefined)).toThrow(TypeError);
  });
});

describe('sseComment', () => {
  it('writes a comment block that dispatches nothing', () => {
    expect(sseComment('ping')).toBe(': ping\n\n');
    expect(sseComment('')).toBe(':\n\n');
    expect(sseComment('a\nb')).toBe(': a\n: b\n\n');
    expect(parseAll(sseComment('ping') + sseData('x')).map((e) => e.data)).toEqual(['x']);
  });
});

describe('[DONE] sentinel', () => {
  it('is written as the OpenAI sentinel and recognized after parsing', () => {
    expect(SSE_DONE).toBe(sseData(SSE_DONE_DATA));
    const [done] = parseAll(SSE_DONE);
    expect(done?.data).toBe(SSE_DONE_DATA);
    expect(done !== undefined && isDone(done)).toBe(true);
    expect(isDone({ event: 'message', data: '[DONE] ', id: undefined, retry: undefined })).toBe(false);
  });
});
