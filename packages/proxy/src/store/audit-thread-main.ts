// The audit thread: a worker with its own connection to the SQLite file that writes audit batches, so the
// gateway's event loop never runs an insert, a commit or a WAL checkpoint. Kept free of project imports: it is
// loaded from the build by a Worker, also when the caller runs from TypeScript sources (tests).
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

export interface AuditThreadData {
  path: string;
  busyTimeoutMs: number;
  insertSql: string;
}

export type AuditThreadRequest = { kind: 'write'; id: number; rows: unknown[][] } | { kind: 'close' };
export type AuditThreadReply =
  | { kind: 'ready' }
  | { kind: 'done'; id: number }
  | { kind: 'failed'; id: number; message: string; code: string | undefined };

const port = parentPort;
if (port) {
  const { path, busyTimeoutMs, insertSql } = workerData as AuditThreadData;
  const db = new BetterSqlite3(path, { timeout: busyTimeoutMs });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(insertSql);
  // One transaction per batch: a batch lands whole or not at all, so a retried batch never meets its own rows.
  const writeAll = db.transaction((rows: unknown[][]) => {
    for (const r of rows) insert.run(r);
  });
  port.on('message', (m: AuditThreadRequest) => {
    if (m.kind === 'close') {
      db.close();
      port.close();
      return;
    }
    let reply: AuditThreadReply;
    try {
      writeAll(m.rows);
      reply = { kind: 'done', id: m.id };
    } catch (err) {
      const e = err as { message?: unknown; code?: unknown };
      reply = {
        kind: 'failed',
        id: m.id,
        message: String(e.message ?? err),
        code: typeof e.code === 'string' ? e.code : undefined,
      };
    }
    port.postMessage(reply);
  });
  port.postMessage({ kind: 'ready' } satisfies AuditThreadReply);
}
