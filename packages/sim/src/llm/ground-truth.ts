/**
 * What the simulator itself observed about one request, in epoch milliseconds with sub-millisecond resolution
 * (performance.timeOrigin + performance.now()), so a client on the same machine can check its own measurements
 * against it.
 */
export interface Timeline {
  id: string;
  model: string;
  stream: boolean;
  receivedAt: number;
  admittedAt: number | null;
  headersAt: number | null;
  /** When each token-bearing chunk of choice 0 was written (non-streamed: empty). */
  tokenAt: number[];
  finishedAt: number | null;
  promptTokens: number;
  /** Tokens the answer carried, all choices: a cut or abandoned stream's tokens so far; an unfinished body, 0. */
  completionTokens: number;
  status: number;
  fault: string | null;
}

/** Derived figures a client compares with: TTFT and each inter-token gap, in ms. */
export function timelineFigures(t: Timeline): {
  ttftMs: number | null;
  gapsMs: number[];
  e2eMs: number | null;
} {
  const first = t.tokenAt[0];
  const last = t.tokenAt[t.tokenAt.length - 1];
  const gaps: number[] = [];
  for (let i = 1; i < t.tokenAt.length; i++)
    gaps.push((t.tokenAt[i] as number) - (t.tokenAt[i - 1] as number));
  return {
    ttftMs: first === undefined ? null : first - t.receivedAt,
    gapsMs: gaps,
    e2eMs:
      last !== undefined ? last - t.receivedAt : t.finishedAt === null ? null : t.finishedAt - t.receivedAt,
  };
}

/** The most recent timelines, bounded so a long benchmark does not grow memory. */
export class TimelineStore {
  private readonly map = new Map<string, Timeline>();

  constructor(private readonly capacity: number) {}

  add(t: Timeline): void {
    if (this.capacity <= 0) return;
    this.map.set(t.id, t);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }

  get(id: string): Timeline | undefined {
    return this.map.get(id);
  }

  recent(limit: number): Timeline[] {
    const all = [...this.map.values()];
    return all.slice(Math.max(0, all.length - limit));
  }

  get size(): number {
    return this.map.size;
  }
}
