import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore, type KyselyStoreOptions } from './kysely-store.js';
import type { Database } from './schema.js';

export interface SqliteStoreOptions extends KyselyStoreOptions {
  /** Database file (its directory is created), or `:memory:`. */
  path: string;
  /**
   * How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. Default
   * 5000 ms: long enough for a burst of writers from other processes.
   */
  busyTimeoutMs?: number;
}

/** RETURNING, used by the token check, arrived in SQLite 3.35. */
const MIN_SQLITE = [3, 35] as const;

/**
 * Opens (does not migrate) the SQLite store. Pragmas:
 * - `journal_mode=WAL`: readers do not block the writer, so listings do not stall the request path;
 * - `busy_timeout`: writers from other connections wait instead of failing at once;
 * - `foreign_keys=ON`: SQLite leaves them off by default, and tokens must die with their project;
 * - `synchronous=NORMAL`: with WAL, a commit survives a process crash and can only be lost on power failure — the
 *   usual trade for a request-path write (every limited request updates its token).
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<KyselyStore> {
  const { path, busyTimeoutMs = 5000, ...storeOptions } = options;
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path, { timeout: busyTimeoutMs });
  try {
    assertSqliteVersion(database);
    database.pragma('journal_mode = WAL');
    database.pragma(`busy_timeout = ${String(Math.max(0, Math.floor(busyTimeoutMs)))}`);
    database.pragma('foreign_keys = ON');
    database.pragma('synchronous = NORMAL');
  } catch (err) {
    database.close();
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return Promise.resolve(new KyselyStore(db, storeOptions));
}

function assertSqliteVersion(database: BetterSqlite3.Database): void {
  const version = String(database.prepare('select sqlite_version()').pluck().get());
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < MIN_SQLITE[0] || (major === MIN_SQLITE[0] && minor < MIN_SQLITE[1])) {
    throw new Error(
      `SQLite ${version} is too old; the store needs ${MIN_SQLITE.join('.')} or newer (RETURNING).`,
    );
  }
}
