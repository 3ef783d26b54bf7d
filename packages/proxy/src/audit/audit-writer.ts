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
  /** Records dropped because the queue was full, since start. */
  private dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly log: AuditWriterLog,
    private readonly extraFlush: () => Promise<void> = async () => {},
    private readonly maxQueue = 100_000,
    /** A batch this large is written at once rather than at the next tick, keeping the queue (and heap) small. */
    private readonly batchSize = 1000,
  ) {}

  push(ev: NewAuditEvent): void {
    // Beyond the bound the oldest records go first rather than the process running out of memory: a tenth of the
    // queue at a time, with one log line for them, not a line (and a shift of the whole queue) per request while
    // the database is down.
    if (this.queue.length >= this.maxQueue) {
      const drop = Math.max(1, Math.floor(this.maxQueue / 10));
      this.queue.splice(0, drop);
      this.dropped += drop;
      this.log.error(
        { maxQueue: this.maxQueue, dropped: drop, droppedTotal: this.dropped },
        'audit queue full: dropped the oldest records',
      );
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
    // A backlog (the database was unavailable for a while) goes in batches of batchSize, yielding to I/O between
    // them: one insert of up to maxQueue rows would hold the event loop, and every request with it, for seconds.
    for (let i = 0; i < batch.length; i += this.batchSize) {
      if (i > 0) await new Promise((r) => setImmediate(r));
      const failed = await this.write(batch.slice(i, i + this.batchSize));
      if (failed) {
        const left = failed.left.concat(batch.slice(i + this.batchSize));
        this.queue = left.concat(this.queue);
        this.log.error({ err: failed.err, events: left.length }, 'audit write failed; will retry');
        throw failed.err;
      }
    }
    try {
      await this.extraFlush();
    } catch (err) {
      this.log.error({ err }, 'token use counts write failed; will retry');
      throw err;
    }
  }

  /**
   * Writes `events`, in order. A batch the database refuses for a record's content (a constraint) is split until
   * that record is found: it is dropped and logged, the others written. Without this one such record failed its
   * whole batch on every retry, and with it every record queued behind it, until shutdown gave up on all of them.
   * Any other failure (busy, I/O, a dead audit thread) returns the events left unwritten, for the next attempt.
   */
  private async write(events: NewAuditEvent[]): Promise<{ err: unknown; left: NewAuditEvent[] } | undefined> {
    try {
      await this.store.appendAudit(events);
      return undefined;
    } catch (err) {
      if (!refusesRecord(err)) return { err, left: events };
      if (events.length === 1) {
        this.log.error({ err, event: events[0] }, 'audit record refused by the database; dropped');
        return undefined;
      }
      const half = events.length >>> 1;
      const first = await this.write(events.slice(0, half));
      if (first) return { err: first.err, left: first.left.concat(events.slice(half)) };
      return this.write(events.slice(half));
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

/**
 * True when the database refused a write for what a record holds, so retrying it can never succeed: SQLite's
 * constraint, type and size errors (also as reported by the audit thread), PostgreSQL's data and integrity
 * classes (SQLSTATE 22xxx, 23xxx).
 */
function refusesRecord(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return (
    code.startsWith('SQLITE_CONSTRAINT') ||
    code === 'SQLITE_MISMATCH' ||
    code === 'SQLITE_TOOBIG' ||
    /^2[23][0-9A-Z]{3}$/.test(code)
  );
}
