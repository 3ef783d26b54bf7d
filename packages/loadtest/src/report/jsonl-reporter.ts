import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { RequestRecord } from '../metrics/request-record.js';
import type { Reporter } from './reporter.js';

/**
 * Writes every finished request as one JSON line (the {@link RequestRecord} as it is), so a run can be
 * re-aggregated or inspected later. Writes are buffered by the file stream; when the disk is slower than the run
 * the stream's buffer grows rather than a record being dropped or the run waiting. `close` flushes and closes.
 * A write error (disk full, missing directory) is kept and thrown by `onStart` or `close`, never in the middle of
 * the run's event loop.
 */
export class JsonlReporter implements Reporter {
  private readonly out: WriteStream;
  private failure: Error | null = null;
  private readonly opened: Promise<void>;
  private closing: Promise<void> | null = null;
  private written = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path, { flags: 'w', encoding: 'utf8' });
    this.out.on('error', (err) => {
      this.failure ??= new Error(`cannot write request records to ${path}: ${err.message}`, { cause: err });
    });
    this.opened = once(this.out, 'open').then(
      () => undefined,
      () => undefined,
    );
  }

  /** Records written so far (handed to the stream; on disk after `close`). */
  get count(): number {
    return this.written;
  }

  /** Waits until the file is open, so a bad path fails the run before it starts rather than after. */
  async onStart(): Promise<void> {
    await this.opened;
    if (this.failure) throw this.failure;
  }

  onRecord(record: RequestRecord): void {
    if (this.failure !== null || this.closing !== null) return;
    this.out.write(`${JSON.stringify(record)}\n`);
    this.written++;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      const done = (): void => (this.failure ? reject(this.failure) : resolve());
      if (this.out.closed) return done();
      // 'close' follows both a clean finish and an error ('error' first, so the failure is known by then).
      this.out.once('close', done);
      if (!this.out.destroyed) this.out.end();
    });
    return this.closing;
  }
}
