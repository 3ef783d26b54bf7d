import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore, type KyselyStoreOptions } from './kysely-store.js';
import { AUDIT_INSERT_SQL, auditInsertValues } from './audit-insert.js';
import { AuditThread } from './audit-thread.js';
import { isTokenFormat } from '../crypto/tokens.js';
import { HASH_PLAINTEXT_TOKENS } from './migrations/index.js';
import { toProject, toToken, type ProjectRow, type TokenRow } from './row-mappers.js';
import type { Database } from './schema.js';
import { encodeDate } from './stored-values.js';
import type { NewAuditEvent, Project, Token, TokenUse } from './store.js';
import { diagnose } from './token-use.js';

export interface SqliteStoreOptions extends KyselyStoreOptions {
  /** Database file (its directory is created), or `:memory:`. */
  path: string;
  /**
   * How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. Default
   * 5000 ms: long enough for a burst of writers from other processes.
   */
  busyTimeoutMs?: number;
  /**
   * Write audit batches on a worker thread with its own connection (file databases only), so no insert, commit
   * or WAL checkpoint runs on the caller's event loop. If the thread fails, writes go back to this connection.
   */
  auditThread?: boolean;
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
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const { path, busyTimeoutMs = 5000, auditThread = false, ...storeOptions } = options;
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
  const thread = auditThread && !inMemory ? { path, busyTimeoutMs } : undefined;
  return Promise.resolve(new SqliteStore(db, database, storeOptions, thread, inMemory));
}

// The same statement as token-use.ts builds with kysely, prepared once: kysely re-builds and better-sqlite3
// re-prepares a query on every call, ~250 µs against ~40 µs for this (measured on the request path).
const USE_TOKEN_SQL = `UPDATE tokens SET request_count = request_count + 1, last_used_at = ?
  WHERE token = ? AND is_active = 1 AND (expires_at IS NULL OR expires_at > ?)
    AND (max_requests IS NULL OR max_requests <= 0 OR request_count < max_requests)
    AND EXISTS (SELECT 1 FROM projects WHERE projects.id = tokens.project_id AND projects.is_active = 1)
  RETURNING *`;

/** The SQLite store, with the request-path statements prepared once. */
export class SqliteStore extends KyselyStore {
  private statements:
    | {
        use: BetterSqlite3.Statement;
        project: BetterSqlite3.Statement;
        byHash: BetterSqlite3.Statement;
        audit: BetterSqlite3.Statement;
        addUses: BetterSqlite3.Statement;
      }
    | undefined;

  /**
   * The audit thread, started by `startAuditThread` once migrated (the table must exist for the thread to prepare
   * its insert), else by the first audit write.
   */
  private auditThread: AuditThread | undefined;

  constructor(
    db: Kysely<Database>,
    private readonly database: BetterSqlite3.Database,
    options: KyselyStoreOptions,
    private threadTarget: { path: string; busyTimeoutMs: number } | undefined,
    private readonly inMemory = false,
  ) {
    super(db, options);
  }

  /** Prepared lazily: the tables exist only once migrated. */
  private get prepared(): NonNullable<SqliteStore['statements']> {
    this.statements ??= {
      use: this.database.prepare(USE_TOKEN_SQL),
      project: this.database.prepare('SELECT * FROM projects WHERE id = ?'),
      byHash: this.database.prepare('SELECT * FROM tokens WHERE token = ?'),
      audit: this.database.prepare(AUDIT_INSERT_SQL),
      addUses: this.database.prepare(
        'UPDATE tokens SET request_count = request_count + ?, last_used_at = ? WHERE id = ?',
      ),
    };
    return this.statements;
  }

  /**
   * Migrates, and when an adopted llm-proxy file held tokens in clear (migration 005 hashes them), rewrites the
   * file so no copy of them survives: the original's updates of a token row left older copies of it in freed
   * space, and the WAL still holds pages written before the hashing. A one-time VACUUM (it copies the database,
   * so it takes a while on a large audit table) and a truncating checkpoint remove both.
   */
  override async migrate(): Promise<void> {
    // Looked at only before that migration runs: once it has, no start-up scans the tokens again.
    const scrub =
      !this.inMemory && (await this.isPending(HASH_PLAINTEXT_TOKENS)) && this.holdsPlaintextTokens();
    await super.migrate();
    if (scrub) this.scrubFreedPages();
  }

  /** Encrypts the keys stored in clear, then rewrites the file so no copy of them survives (see `migrate`). */
  override async encryptPlaintextKeys(encrypt: (plain: string) => string): Promise<number> {
    const changed = await super.encryptPlaintextKeys(encrypt);
    if (changed > 0 && !this.inMemory) this.scrubFreedPages();
    return changed;
  }

  private scrubFreedPages(): void {
    this.database.exec('VACUUM');
    this.database.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** True when the tokens table exists and holds a token in clear (the original without ENCRYPTION_KEY). */
  private holdsPlaintextTokens(): boolean {
    const table = this.database
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tokens'")
      .get();
    if (table === undefined) return false;
    const candidates = this.database
      .prepare("SELECT token FROM tokens WHERE token LIKE 'sk-%'")
      .pluck()
      .iterate() as IterableIterator<string>;
    for (const token of candidates) {
      if (isTokenFormat(token)) {
        candidates.return?.();
        return true;
      }
    }
    return false;
  }

  override async useToken(tokenHash: string, now: Date): Promise<TokenUse> {
    const at = encodeDate(now);
    const row = this.prepared.use.get(at, tokenHash, at) as TokenRow | undefined;
    if (row !== undefined) {
      const project = this.prepared.project.get(row.project_id) as ProjectRow | undefined;
      if (project === undefined) return { ok: false, reason: 'not_found' };
      return { ok: true, token: toToken(row), project: toProject(project) };
    }
    // Refused: say why; if nothing is wrong any more (a concurrent reactivation), the general path retries.
    const reason = await diagnose(this.db, tokenHash, now);
    return reason ? { ok: false, reason } : super.useToken(tokenHash, now);
  }

  /**
   * One transaction of prepared inserts: the audit batch of every request lands here once a second (or per
   * batch), on the audit thread when there is one.
   */
  override async appendAudit(events: readonly NewAuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(auditInsertValues);
    const thread = this.startAuditThread();
    if (thread) {
      try {
        return await thread.write(rows);
      } catch (err) {
        // A database error (the batch is unwritten) goes to the caller, which retries; a dead thread hands the
        // writes back to this connection for good, after this batch's retry.
        if (thread.broken) {
          this.threadTarget = undefined;
          this.auditThread = undefined;
          void thread.close();
        }
        throw err;
      }
    }
    const insert = this.prepared.audit;
    this.database.transaction(() => {
      for (const r of rows) insert.run(r);
    })();
  }

  /**
   * Starts the audit thread now, if this store writes audit on one: the gateway calls it once migrated, so the
   * thread loads its module and opens its connection (~100 ms of CPU) at start-up, not while the first requests
   * are served. Later calls return the running thread.
   */
  startAuditThread(): AuditThread | undefined {
    if (this.threadTarget)
      this.auditThread ??= new AuditThread({ ...this.threadTarget, insertSql: AUDIT_INSERT_SQL });
    return this.auditThread;
  }

  override async close(): Promise<void> {
    const thread = this.auditThread;
    this.auditThread = undefined;
    this.threadTarget = undefined;
    if (thread) await thread.close();
    await super.close();
  }

  override async addTokenUses(
    uses: ReadonlyArray<{ tokenId: string; count: number; lastUsedAt: Date }>,
  ): Promise<void> {
    const add = this.prepared.addUses;
    this.database.transaction(() => {
      for (const u of uses) add.run(u.count, encodeDate(u.lastUsedAt), u.tokenId);
    })();
  }

  override async findTokenByHash(tokenHash: string): Promise<{ token: Token; project: Project } | undefined> {
    const row = this.prepared.byHash.get(tokenHash) as TokenRow | undefined;
    if (row === undefined) return undefined;
    const project = this.prepared.project.get(row.project_id) as ProjectRow | undefined;
    return project === undefined ? undefined : { token: toToken(row), project: toProject(project) };
  }
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
