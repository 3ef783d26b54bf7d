import type { NewAuditEvent, Store } from '../store/index.js';

export interface AuditWriterLog {
  error(obj: object, msg?: string): void;
}

/**
 * Takes audit events on the request path (a push into an array) and writes them in batches off it. A failed
 * write keeps its events for the next attempt; `close()` writes everything still queued, so a graceful shutdown
 * loses nothing.
 */
export class AuditWriter {
  private queue: NewAuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: AuditWriterLog,
    private readonly extraFlush: () => Promise<void> = async () => {},
    private readonly maxQueue = 100_000,
    /** A batch this large is written at once rather than at the next tick, keeping the queue (and heap) small. */
    private readonly batchSize = 1000,
  ) {}

  push(ev: NewAuditEvent): void {
    // Beyond the bound the oldest records go first rather than the process running out of memory; logged.
    if (this.queue.length >= this.maxQueue) {
      this.queue.shift();
      this.log.error({ maxQueue: this.maxQueue }, 'audit queue full: dropping the oldest record');
    }
    this.queue.push(ev);
    if (this.queue.length >= this.batchSize && this.flushing === undefined) void this.flush().catch(() => {});
  }

  get pending(): number {
    return this.queue.length;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush().catch(() => {}), intervalMs);
    this.timer.unref();
  }

  /** Writes what is queued now; concurrent calls share one write. */
  flush(): Promise<void> {
    this.flushing ??= this.writeQueued().then(
      () => {
        this.flushing = undefined;
        // What queued up during an asynchronous write goes next, if it already makes a batch.
        if (this.queue.length >= this.batchSize) void this.flush().catch(() => {});
      },
      (err: unknown) => {
        this.flushing = undefined;
        throw err;
      },
    );
    return this.flushing;
  }

  private async writeQueued(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      if (batch.length > 0) await this.store.appendAudit(batch);
    } catch (err) {
      this.queue = batch.concat(this.queue);
      this.log.error({ err, events: batch.length }, 'audit write failed; will retry');
      throw err;
    }
    try {
      await this.extraFlush();
    } catch (err) {
      this.log.error({ err }, 'token use counts write failed; will retry');
      throw err;
    }
  }

  /** Stops the timer and writes everything left (retrying a few times). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.flush();
        if (this.queue.length === 0) return;
      } catch {
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    }
  }
}
