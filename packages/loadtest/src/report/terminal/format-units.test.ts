import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDuration,
  formatMs,
  formatPercent,
  formatRate,
  formatUSD,
} from './format-units.js';

describe('terminal number formats', () => {
  it('groups thousands without depending on the locale', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(-1234.4)).toBe('-1,234');
  });

  it('shows milliseconds with the decimals that matter at their size', () => {
    expect(formatMs(0.4249)).toBe('0.42 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(512.4)).toBe('512 ms');
    expect(formatMs(1520)).toBe('1.52 s');
    expect(formatMs(NaN)).toBe('-');
  });

  it('shows durations as seconds, minutes or hours', () => {
    expect(formatDuration(45.24)).toBe('45.2s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3723)).toBe('1h02m03s');
    expect(formatDuration(-1)).toBe('-');
  });

  it('shows rates, money and ratios', () => {
    expect(formatRate(9.876)).toBe('9.88');
    expect(formatRate(1234.56)).toBe('1234.6');
    expect(formatUSD(0.00123)).toBe('$0.0012');
    expect(formatUSD(12.345)).toBe('$12.35');
    expect(formatPercent(0.0333)).toBe('3.3%');
  });
});
