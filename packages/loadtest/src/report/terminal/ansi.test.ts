import { describe, expect, it } from 'vitest';
import { ESC, fitWidth, paint, visibleLength } from './ansi.js';

describe('ANSI helpers', () => {
  it('paints only when enabled', () => {
    expect(paint('ok', 'green', false)).toBe('ok');
    expect(paint('ok', 'green', true)).toBe(`${ESC}[32mok${ESC}[0m`);
  });

  it('measures and cuts by visible characters, keeping escape codes whole', () => {
    const line = `ab${paint('cdef', 'red', true)}gh`;
    expect(visibleLength(line)).toBe(8);
    expect(fitWidth(line, 8)).toBe(line);
    expect(fitWidth(line, 4)).toBe(`ab${ESC}[31mcd${ESC}[0m`);
    expect(fitWidth('abcdef', 3)).toBe('abc');
  });
});
