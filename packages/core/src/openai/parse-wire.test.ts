import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseWire } from './parse-wire.js';

describe('parseWire', () => {
  const Schema = z.looseObject({
    name: z.string(),
    size: z.number().int().min(1).nullish(),
    tags: z.array(z.string()).nullish(),
    mode: z.enum(['fast', 'slow', 'auto']).nullish(),
  });

  it('returns the parsed value on success', () => {
    expect(parseWire(Schema, { name: 'a', extra: 1 })).toEqual({ ok: true, value: { name: 'a', extra: 1 } });
  });

  it('never throws, whatever the input', () => {
    for (const input of [undefined, null, 0, 'x', [], new Map()]) {
      expect(parseWire(Schema, input).ok).toBe(false);
    }
  });

  it('reports a wrong body as the request body, with an empty param', () => {
    expect(parseWire(Schema, [])).toEqual({
      ok: false,
      issue: {
        param: '',
        message: 'The request body must be an object, got an empty array',
        kind: 'invalid',
      },
    });
  });

  it('reports only the first issue', () => {
    const result = parseWire(Schema, { size: 0, mode: 'x' });
    expect(result).toEqual({
      ok: false,
      issue: { param: 'name', message: "'name' is required", kind: 'missing' },
    });
  });

  it('phrases bounds, choices and element types for people', () => {
    const messages = [
      [{ name: 'a', size: 0 }, "'size' must be at least 1, got 0"],
      [{ name: 'a', size: 'big' }, `'size' must be a number, got "big"`],
      [{ name: 'a', mode: 'warp' }, `'mode' must be one of 'fast', 'slow' or 'auto', got "warp"`],
      [{ name: 'a', tags: ['ok', { deep: true }] }, "'tags.1' must be a string, got an object"],
      [{ name: 'a', tags: 'ok' }, `'tags' must be an array, got "ok"`],
    ] as const;
    for (const [input, message] of messages) {
      expect(parseWire(Schema, input)).toMatchObject({ ok: false, issue: { message } });
    }
  });

  it('shortens long offending strings', () => {
    const result = parseWire(Schema, { name: 'a', size: 'x'.repeat(500) });
    expect(result.ok ? '' : result.issue.message.length).toBeLessThan(100);
  });
});
