import { Worker } from 'node:worker_threads';
import type { AuditThreadData, AuditThreadReply, AuditThreadRequest } from './audit-thread-main.js';

/**
 * Where the thread's code is: next to this module in the build. Under the test runner this module is TypeScript
 * source, which a Worker cannot load, so the built copy is used (`npm test` builds first).
 */
function threadUrl(): URL {
  const here = import.meta.url;
  const src = here.lastIndexOf('/src/');
  const built = here.endsWith('.ts') && src >= 0 ? `${here.slice(0, src)}/dist/${here.slice(src + 5)}` : here;
  return new URL('./audit-thread-main.js', built);
}

/**
 * The main side of the audit thread: `write` posts a batch of insert parameters and resolves once the thread
 * committed it (rejects with the database's error, the batch unwritten). If the thread cannot start or dies,
 * `broken` is set and every pending and later write rejects, so the caller can take over.
 */
export class AuditThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  /** The writes posted and not yet answered, as returned to their callers. */
  private readonly writes = new Set<Promise<void>>();
  private nextId = 1;
  private closing = false;
  broken: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(data: AuditThreadData) {
    this.worker = new Worker(threadUrl(), { workerData: data });
    this.worker.unref();
    this.worker.on('message', (m: AuditThreadReply) => {
      if (m.kind === 'ready') return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.kind === 'done') p.resolve();
      else p.reject(Object.assign(new Error(m.message), { code: m.code }));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        this.fail(new Error(`audit thread exited (code ${String(code)})`));
        resolve();
      }),
    );
  }

  write(rows: unknown[][]): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closing) return Promise.reject(new Error('audit thread closed'));
    const id = this.nextId++;
    // The thread keeps the process alive only while it has work: a write in flight is never abandoned at exit.
    if (this.pending.size === 0) this.worker.ref();
    const done: Promise<void> = new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ kind: 'write', id, rows } satisfies AuditThreadRequest);
    }).finally(() => {
      this.writes.delete(done);
      if (this.pending.size === 0 && !this.closing) this.worker.unref();
    });
    this.writes.add(done);
    return done;
  }

  /** Waits for the writes already posted, then closes the thread's connection and ends it. */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.worker.ref();
      await Promise.allSettled(this.writes);
      if (!this.broken) this.worker.postMessage({ kind: 'close' } satisfies AuditThreadRequest);
      else await this.worker.terminate();
    }
    return this.exited;
  }

  private fail(err: Error): void {
    this.broken ??= err;
    for (const p of this.pending.values()) p.reject(this.broken);
    this.pending.clear();
  }
}
