import { LatencyHistogram } from '@llmops/core';

/** Percentiles of one kind of wait over the live window; null when no request of that kind finished in it. */
export interface WindowPercentiles {
  p50: number | null;
  p95: number | null;
}

/** Two rotating histograms: what was recorded over the last 5–10 s. */
class Rotating {
  private current = new LatencyHistogram();
  private previous = new LatencyHistogram();

  record(ms: number): void {
    this.current.record(ms);
  }

  rotate(): void {
    this.previous = this.current;
    this.current = new LatencyHistogram();
  }

  percentiles(): WindowPercentiles {
    const both = new LatencyHistogram();
    both.merge(this.previous);
    both.merge(this.current);
    return both.count > 0 ? { p50: both.percentile(50), p95: both.percentile(95) } : { p50: null, p95: null };
  }
}

/**
 * Recent figures for the live view: percentiles over the last 5–10 s of the TTFT of streamed answers and of the
 * latency of JSON answers (kept apart: a JSON answer has no first token, and its latency is not a TTFT), and the
 * send rate over the last few ticks. Cheap to update per request; read once a second.
 */
export class LiveWindow {
  private readonly ttft = new Rotating();
  private readonly latency = new Rotating();
  private rotatedAt: number;
  private readonly sentHistory: { t: number; sent: number; tokens: number }[] = [];

  constructor(
    now: number,
    private readonly windowMs = 5000,
  ) {
    this.rotatedAt = now;
  }

  /** A streamed answer's time to first token. */
  noteTtft(ms: number): void {
    this.ttft.record(ms);
  }

  /** A JSON answer's latency (send to complete body). */
  noteLatency(ms: number): void {
    this.latency.record(ms);
  }

  /** Called once per tick with cumulative counters; returns the rates and percentiles to show. */
  sample(
    now: number,
    sent: number,
    outputTokens: number,
  ): { rate: number; tokensPerS: number; ttft: WindowPercentiles; latency: WindowPercentiles } {
    if (now - this.rotatedAt >= this.windowMs) {
      this.ttft.rotate();
      this.latency.rotate();
      this.rotatedAt = now;
    }
    this.sentHistory.push({ t: now, sent, tokens: outputTokens });
    while (this.sentHistory.length > 6) this.sentHistory.shift();
    const first = this.sentHistory[0];
    const span = first ? (now - first.t) / 1000 : 0;
    return {
      rate: first && span > 0 ? (sent - first.sent) / span : 0,
      tokensPerS: first && span > 0 ? (outputTokens - first.tokens) / span : 0,
      ttft: this.ttft.percentiles(),
      latency: this.latency.percentiles(),
    };
  }
}
