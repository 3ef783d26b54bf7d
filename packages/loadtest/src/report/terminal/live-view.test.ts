import { describe, expect, it } from 'vitest';
import type { LiveStatus } from '../reporter.js';
import { liveView, progressLine, topErrors } from './live-view.js';

const status = (over: Partial<LiveStatus> = {}): LiveStatus => ({
  phase: 'running',
  elapsedS: 30,
  plannedS: 120,
  progress: 0.25,
  sent: 300,
  ok: 290,
  errors: 0,
  inFlight: 7,
  usersActive: 10,
  currentRate: 10,
  requestedRate: 10,
  ttftP50: null,
  ttftP95: null,
  latencyP50: null,
  latencyP95: null,
  outputTokensPerS: 0,
  errorsByClass: {},
  costUSD: 0,
  label: null,
  ...over,
});

describe('live view', () => {
  it('draws a progress bar with elapsed and remaining time', () => {
    const [head] = liveView(status(), 100, false);
    // 40 columns of bar at 100 columns: a quarter is 10 of them, the last drawn as the head.
    expect(head).toBe(`[${'='.repeat(9)}>${' '.repeat(30)}]  25.0%  30.0s / 2m00s, 1m30s left  running`);
  });

  it('estimates the time left from a request budget when the duration is unknown', () => {
    const [head] = liveView(status({ plannedS: null, progress: 0.5 }), 100, false);
    expect(head?.endsWith(']  50.0%  30.0s, ~30.0s left  running')).toBe(true);
  });

  it('names the three most frequent error classes and counts the rest', () => {
    expect(topErrors({ a: 1, b: 5, c: 5, d: 2, e: 0 })).toBe('b 5, c 5, d 2, +1 more');
    expect(topErrors({})).toBeNull();
    expect(liveView(status({ errors: 3, errorsByClass: { http_5xx: 3 } }), 100, false).at(-1)).toBe(
      'errors: http_5xx 3',
    );
  });

  it('says when no TTFT is known yet and has no error line without errors', () => {
    const lines = liveView(status(), 100, false);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('TTFT -  output 0.00 tok/s  cost $0.0000');
  });

  it('shows the TTFT of streamed answers and the latency of JSON answers apart, never one as the other', () => {
    expect(liveView(status({ latencyP50: 1760, latencyP95: 3210 }), 100, false)[2]).toBe(
      'E2E p50 1.76 s p95 3.21 s  output 0.00 tok/s  cost $0.0000',
    );
    expect(
      progressLine(status({ ttftP50: 180, ttftP95: 420, latencyP50: 1760, latencyP95: 3210 })),
    ).toContain('| TTFT p50 180 ms p95 420 ms  E2E p50 1.76 s p95 3.21 s |');
  });

  it('writes one plain line for logs', () => {
    expect(progressLine(status({ label: 'step 1/3 at 5 req/s' }))).toBe(
      '[loadtest] 30.0s / 2m00s, 1m30s left (25.0%) | running | 10.00 of 10.00 req/s | in flight 7 | users 10 | ' +
        'ok 290 errors 0 (0.0%) | TTFT - | 0.00 tok/s | $0.0000 | step 1/3 at 5 req/s',
    );
  });
});
