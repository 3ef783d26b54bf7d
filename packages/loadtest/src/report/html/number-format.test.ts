import { describe, expect, it } from 'vitest';
import {
  formatClock,
  formatCount,
  formatDuration,
  formatFixed,
  formatInstant,
  formatMagnitude,
  formatMs,
  formatPercent,
  formatRate,
  formatUsd,
  MISSING,
} from './number-format.js';

describe('report number formatting', () => {
  it('groups thousands the same way on every machine (en-US)', () => {
    expect(formatCount(1_549_857)).toBe('1,549,857');
    expect(formatFixed(1234.5678, 2)).toBe('1,234.57');
  });

  it('never prints a negative zero', () => {
    expect(formatFixed(-0.0001, 2)).toBe('0.00');
    expect(formatFixed(-0, 0)).toBe('0');
  });

  it('gives milliseconds fewer decimals as they grow, and none when whole', () => {
    expect(formatMs(0.41234)).toBe('0.412 ms');
    expect(formatMs(3.456)).toBe('3.46 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(1234.5)).toBe('1,235 ms');
    expect(formatMs(60)).toBe('60 ms');
    expect(formatMagnitude(0)).toBe('0');
  });

  it('formats rates, percentages and dollars', () => {
    expect(formatRate(33.6, 'req/s')).toBe('33.6 req/s');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.0025)).toBe('0.25%');
    expect(formatPercent(0.125)).toBe('12.5%');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(formatUsd(0.99996)).toBe('$1.00');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
  });

  it('shows instants as ISO 8601 in UTC', () => {
    expect(formatInstant(Date.UTC(2025, 0, 15, 12, 0, 0, 250))).toBe('2025-01-15T12:00:00.250Z');
    expect(formatInstant(null)).toBe(MISSING);
  });

  it('shows durations and clock times in the largest sensible units', () => {
    expect(formatDuration(0.85)).toBe('850 ms');
    expect(formatDuration(42.5)).toBe('42.5 s');
    expect(formatDuration(725)).toBe('12 min 05 s');
    expect(formatDuration(7390)).toBe('2 h 03 min 10 s');
    expect(formatClock(45)).toBe('0:45');
    expect(formatClock(3723)).toBe('1:02:03');
  });

  it('shows an em dash instead of NaN or Infinity', () => {
    for (const f of [
      formatCount,
      formatMagnitude,
      formatMs,
      formatPercent,
      formatUsd,
      formatDuration,
      formatClock,
    ])
      for (const v of [NaN, Infinity, -Infinity]) expect(f(v)).toBe(MISSING);
    expect(formatRate(NaN, 'req/s')).toBe(MISSING);
    expect(formatInstant(NaN)).toBe(MISSING);
  });
});
