import { describe, expect, it } from 'vitest';
import type { TimelinePoint } from '../../metrics/timeline.js';
import { displayBuckets, MAX_DISPLAY_BUCKETS } from './timeline-charts.js';

const point = (
  t: number,
  ok: number,
  ttftMeanMs: number | null,
  ttftCount = ttftMeanMs === null ? 0 : ok,
): TimelinePoint => ({
  t,
  sent: ok + 1,
  ok,
  errors: 1,
  sentPerS: ok + 1,
  completedPerS: ok + 1,
  outputTokensPerS: 100 * ok,
  ttftMeanMs,
  ttftCount,
  e2eMeanMs: null,
});

describe('displayBuckets', () => {
  it('draws every bucket of a run that fits', () => {
    const points = Array.from({ length: 60 }, (_, i) => point(i, 2, 100));
    const out = displayBuckets(points, 1);
    expect(out).toHaveLength(60);
    expect(out[5]).toMatchObject({ t0: 5, t1: 6, sent: 3, ok: 2, errors: 1, ttftMeanMs: 100 });
  });

  it(`merges buckets of a long run down to at most ${MAX_DISPLAY_BUCKETS}, summing counts and averaging rates`, () => {
    const points = Array.from({ length: 1500 }, (_, i) =>
      point(i, i % 3 === 0 ? 1 : 3, i % 3 === 2 ? null : 100 * ((i % 3) + 1)),
    );
    const out = displayBuckets(points, 1);
    expect(out).toHaveLength(500);
    const first = out[0];
    expect(first).toMatchObject({ t0: 0, t1: 3, sent: 2 + 4 + 4, ok: 1 + 3 + 3, errors: 3 });
    expect(first?.sentPerS).toBeCloseTo(10 / 3);
    // Means weighted by the buckets' successful requests; the bucket without TTFT does not count.
    expect(first?.ttftMeanMs).toBeCloseTo((100 * 1 + 200 * 3) / 4);
  });

  it('weights merged TTFT means by the requests that had a TTFT, not by every success (JSON answers have none)', () => {
    // Bucket 0: 1 streamed answer at 100 ms among 9 JSON answers; bucket 1: 5 streamed at 300 ms.
    const points = [
      point(0, 10, 100, 1),
      point(1, 5, 300, 5),
      ...Array.from({ length: 1198 }, (_, i) => point(i + 2, 1, null)),
    ];
    const first = displayBuckets(points, 1)[0];
    expect(first?.ttftMeanMs).toBeCloseTo((100 * 1 + 300 * 5) / 6);
  });

  it('has nothing to draw for an empty timeline', () => {
    expect(displayBuckets([], 1)).toEqual([]);
  });
});
