/**
 * Complexity guards, not benchmarks: the bounds are loose enough for a slow CI machine, yet a quadratic scan or
 * carry-over would blow through them by orders of magnitude.
 */
import { describe, expect, it } from 'vitest';
import { monoNow } from '../time.js';
import { SseParser } from './sse-parser.js';
import { sseJson } from './sse-writer.js';

describe('SseParser speed', () => {
  it('parses 100k small JSON events, arriving in network-sized chunks, well under 5 s', () => {
    const one = sseJson({ id: 'chatcmpl-1', choices: [{ index: 0, delta: { content: 'tok' } }] });
    const bytes = new TextEncoder().encode(one.repeat(100_000));
    let count = 0;
    const parser = new SseParser(() => count++);
    const started = monoNow();
    for (let i = 0; i < bytes.length; i += 16_384) parser.push(bytes.subarray(i, i + 16_384));
    parser.end();
    expect(count).toBe(100_000);
    expect(monoNow() - started).toBeLessThan(5_000);
  });

  it('parses a 1 MB single event delivered in 64-byte chunks in under 2 s (no quadratic carry-over)', () => {
    const payload = 'x'.repeat(1 << 20);
    const bytes = new TextEncoder().encode('data: ' + payload + '\n\n');
    let data = '';
    const parser = new SseParser((ev) => (data = ev.data));
    const started = monoNow();
    for (let i = 0; i < bytes.length; i += 64) parser.push(bytes.subarray(i, i + 64));
    parser.end();
    expect(monoNow() - started).toBeLessThan(2_000);
    expect(data).toBe(payload);
  });

  it('parses a 1 MB event of many short data lines in 64-byte chunks in under 2 s', () => {
    const line = 'data: ' + 'y'.repeat(10) + '\n';
    const bytes = new TextEncoder().encode(line.repeat(60_000) + '\n');
    let data = '';
    const parser = new SseParser((ev) => (data = ev.data));
    const started = monoNow();
    for (let i = 0; i < bytes.length; i += 64) parser.push(bytes.subarray(i, i + 64));
    parser.end();
    expect(monoNow() - started).toBeLessThan(2_000);
    expect(data.length).toBe(60_000 * 11 - 1);
  });
});
