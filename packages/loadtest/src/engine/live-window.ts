import { LatencyHistogram } from '@llmops/core';

/**
 * Recent figures for the live view: TTFT percentiles over the last 5–10 s (two rotating histograms) and the send
 * rate over the last few ticks. Cheap to update per request; read once a second.
 */
export class LiveWindow {
  private current = new LatencyHistogram();
  private previous = new LatencyHistogram();
  private rotatedAt: number;
  private readonly sentHistory: { t: number; sent: number; tokens: number }[] = [];

  constructor(
    now: number,
    private readonly windowMs = 5000,
  ) {
    this.rotatedAt = now;
  }

  /** TTFT for streams, latency for JSON answers: the time a user waits to see anything. */
  noteFirstToken(ms: number): void {
    this.current.record(ms);
  }

  /** Called once per tick with cumulative counters; returns the rates and percentiles to show. */
  sample(
    now: number,
    sent: number,
    outputTokens: number,
  ): { rate: number; tokensPerS: number; p50: number | null; p95: number | null } {
    if (now - this.rotatedAt >= this.windowMs) {
      this.previous = this.current;
      this.current = new LatencyHistogram();
      this.rotatedAt = now;
    }
    this.sentHistory.push({ t: now, sent, tokens: outputTokens });
    while (this.sentHistory.length > 6) this.sentHistory.shift();
    const first = this.sentHistory[0];
    const span = first ? (now - first.t) / 1000 : 0;
    const both = new LatencyHistogram();
    both.merge(this.previous);
    both.merge(this.current);
    return {
      rate: first && span > 0 ? (sent - first.sent) / span : 0,
      tokensPerS: first && span > 0 ? (outputTokens - first.tokens) / span : 0,
      p50: both.count > 0 ? both.percentile(50) : null,
      p95: both.count > 0 ? both.percentile(95) : null,
    };
  }
}
