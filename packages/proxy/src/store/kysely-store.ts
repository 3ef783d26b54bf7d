import { Migrator, sql, type Insertable, type InsertResult, type Kysely, type RawBuilder } from 'kysely';
import { appendAudit, getAudit, queryAudit } from './audit-queries.js';
import { migrationProvider } from './migrations/index.js';
import { toProject, toToken } from './row-mappers.js';
import type { Database, TokensTable } from './schema.js';
import { guardConstraints, StoreConstraintError } from './store-errors.js';
import { decodeCount, encodeBool, encodeDate, FALSE, TRUE } from './stored-values.js';
import type {
  AuditEvent,
  AuditQuery,
  MigrationState,
  NewAuditEvent,
  Page,
  Project,
  ProjectPatch,
  Store,
  Token,
  TokenPatch,
  TokenUse,
} from './store.js';
import { useToken } from './token-use.js';
import { isEncrypted } from '../crypto/secret-box.js';

export interface KyselyStoreOptions {
  /** The clock for created_at / updated_at / deactivated_at (injectable for tests). */
  now?: () => Date;
}

/**
 * The Store over any kysely dialect. Writes avoid RETURNING (MySQL has none) except in `useToken`, where one
 * atomic statement matters more; see `token-use.ts`.
 */
export class KyselyStore implements Store {
  readonly #migrator: Migrator;
  readonly #now: () => Date;

  constructor(
    readonly db: Kysely<Database>,
    options: KyselyStoreOptions = {},
  ) {
    this.#migrator = new Migrator({ db, provider: migrationProvider });
    this.#now = options.now ?? (() => new Date());
  }

  async migrate(): Promise<void> {
    const { error, results } = await this.#migrator.migrateToLatest();
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '(setup)';
      throw new Error(`Database migration ${failed} failed: ${String(error)}`, { cause: error });
    }
  }

  async migrations(): Promise<MigrationState[]> {
    const all = await this.#migrator.getMigrations();
    return all.map((m) => ({ name: m.name, appliedAt: m.executedAt ?? null }));
  }

  async migrateDown(): Promise<string | null> {
    const { error, results } = await this.#migrator.migrateDown();
    const name = results?.[0]?.migrationName ?? null;
    if (error !== undefined)
      throw new Error(`Undoing database migration ${name ?? '(setup)'} failed: ${String(error)}`, {
        cause: error,
      });
    return name;
  }

  async plaintextCounts(): Promise<{ projectKeys: number; tokens: number }> {
    const keys = await this.db.selectFrom('projects').select('api_key').execute();
    // A token in clear has the token format; a stored one is a SHA-256 in hex.
    const tokens = await this.db
      .selectFrom('tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('token', 'like', 'sk-%')
      .executeTakeFirst();
    return {
      projectKeys: keys.filter((r) => r.api_key !== '' && !isEncrypted(r.api_key)).length,
      tokens: Number(tokens?.n ?? 0),
    };
  }

  /** True while the migration `name` has not been applied to this database. */
  protected async isPending(name: string): Promise<boolean> {
    const all = await this.#migrator.getMigrations();
    return all.some((m) => m.name === name && m.executedAt === undefined);
  }

  async isReady(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      const all = await this.#migrator.getMigrations();
      return all.every((m) => m.executedAt !== undefined);
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async createProject(p: {
    id: string;
    name: string;
    apiKeyStored: string;
    upstreamUrl: string | null;
  }): Promise<Project> {
    const at = encodeDate(this.#now());
    const row = {
      id: p.id,
      name: p.name,
      api_key: p.apiKeyStored,
      upstream_url: p.upstreamUrl,
      is_active: TRUE,
      deactivated_at: null,
      created_at: at,
      updated_at: at,
    };
    await guardConstraints(() => this.db.insertInto('projects').values(row).execute(), {
      unique: 'projects.name',
    });
    return toProject(row);
  }

  async getProject(id: string): Promise<Project | undefined> {
    const row = await this.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toProject(row);
  }

  /** By name, as the original lists them. */
  async listProjects(): Promise<Project[]> {
    const rows = await this.db.selectFrom('projects').selectAll().orderBy('name').orderBy('id').execute();
    return rows.map(toProject);
  }

  /** Deactivating stamps deactivated_at (kept if already set); reactivating clears it. */
  async updateProject(id: string, patch: ProjectPatch): Promise<Project | undefined> {
    if (Object.values(patch).every((v) => v === undefined)) return this.getProject(id);
    const at = encodeDate(this.#now());
    const result = await guardConstraints(
      () =>
        this.db
          .updateTable('projects')
          .set({
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.apiKeyStored !== undefined && { api_key: patch.apiKeyStored }),
            ...(patch.upstreamUrl !== undefined && { upstream_url: patch.upstreamUrl }),
            ...(patch.isActive !== undefined && {
              is_active: encodeBool(patch.isActive),
              deactivated_at: patch.isActive ? null : keepFirstStamp(at),
            }),
            updated_at: at,
          })
          .where('id', '=', id)
          .executeTakeFirst(),
      { unique: 'projects.name' },
    );
    return result.numUpdatedRows === 0n ? undefined : this.getProject(id);
  }

  async encryptPlaintextKeys(encrypt: (plain: string) => string): Promise<number> {
    const rows = await this.db.selectFrom('projects').select(['id', 'api_key']).execute();
    let changed = 0;
    for (const row of rows) {
      if (row.api_key === '' || isEncrypted(row.api_key)) continue;
      const result = await this.db
        .updateTable('projects')
        .set({ api_key: encrypt(row.api_key) })
        // Matching the old value too: a key changed meanwhile through the API is not overwritten.
        .where('id', '=', row.id)
        .where('api_key', '=', row.api_key)
        .executeTakeFirst();
      changed += Number(result.numUpdatedRows);
    }
    return changed;
  }

  async createToken(t: {
    id: string;
    tokenHash: string;
    obfuscated: string;
    projectId: string;
    expiresAt: Date | null;
    maxRequests: number | null;
  }): Promise<Token> {
    const row = {
      id: t.id,
      token: t.tokenHash,
      obfuscated: t.obfuscated,
      project_id: t.projectId,
      expires_at: t.expiresAt === null ? null : encodeDate(t.expiresAt),
      is_active: TRUE,
      deactivated_at: null,
      request_count: 0,
      max_requests: t.maxRequests,
      created_at: encodeDate(this.#now()),
      last_used_at: null,
      cache_hit_count: 0,
    };
    const result = await guardConstraints(() => this.insertForActiveProject(row), {
      unique: 'tokens.token',
      foreign_key: 'tokens.project_id',
    });
    if (result.numInsertedOrUpdatedRows === 0n) {
      const project = await this.getProject(t.projectId);
      throw new StoreConstraintError(project ? 'inactive' : 'foreign_key', 'tokens.project_id');
    }
    return toToken(row);
  }

  /**
   * INSERT INTO tokens (…) SELECT :values… FROM projects WHERE id = :project_id AND is_active = 1: one statement,
   * so a token cannot be added to a project that a concurrent PATCH has just deactivated (and whose tokens it
   * revoked) — checking first and inserting after left that window open. SQLite serialises writers, which is
   * enough; PostgreSQL and MySQL (read committed) will need `FOR SHARE` on the project row here.
   */
  private insertForActiveProject(row: Insertable<TokensTable>): Promise<InsertResult> {
    const columns = Object.keys(row) as (keyof TokensTable & string)[];
    return this.db
      .insertInto('tokens')
      .columns(columns)
      .expression((eb) =>
        eb
          .selectFrom('projects')
          .select(columns.map((c) => eb.val(row[c] ?? null).as(c)))
          .where('projects.id', '=', row.project_id)
          .where('projects.is_active', '=', TRUE),
      )
      .executeTakeFirst();
  }

  async getToken(id: string): Promise<Token | undefined> {
    const row = await this.db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toToken(row);
  }

  /** Newest first, as the original lists them. */
  async listTokens(projectId?: string): Promise<Token[]> {
    let query = this.db.selectFrom('tokens').selectAll();
    if (projectId !== undefined) query = query.where('project_id', '=', projectId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toToken);
  }

  /**
   * Writes only the patched columns, so a concurrent request's request_count is never overwritten (the original
   * rewrote the whole row, §9.11). Revoking stamps deactivated_at, which the original never stored.
   */
  async updateToken(id: string, patch: TokenPatch): Promise<Token | undefined> {
    const at = encodeDate(this.#now());
    const { isActive, maxRequests } = patch;
    if (isActive !== undefined || maxRequests !== undefined) {
      await this.db
        .updateTable('tokens')
        .set({
          ...(isActive !== undefined && {
            is_active: encodeBool(isActive),
            deactivated_at: isActive ? null : keepFirstStamp(at),
          }),
          ...(maxRequests !== undefined && { max_requests: maxRequests }),
        })
        .where('id', '=', id)
        .execute();
    }
    return this.getToken(id);
  }

  /**
   * One transaction: the UPDATE comes first so the write lock is taken before counting, and the total cannot
   * change between the two statements.
   */
  async revokeProjectTokens(
    projectId: string,
  ): Promise<{ revoked: number; alreadyRevoked: number; total: number }> {
    const at = encodeDate(this.#now());
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('tokens')
        .set({
          is_active: FALSE,
          deactivated_at: keepFirstStamp(at),
        })
        .where('project_id', '=', projectId)
        .where('is_active', '=', TRUE)
        .executeTakeFirst();
      const { n } = await trx
        .selectFrom('tokens')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow();
      const revoked = Number(result.numUpdatedRows);
      const total = decodeCount(n);
      return { revoked, alreadyRevoked: total - revoked, total };
    });
  }

  async findTokenByHash(tokenHash: string): Promise<{ token: Token; project: Project } | undefined> {
    const row = await this.db
      .selectFrom('tokens')
      .selectAll()
      .where('token', '=', tokenHash)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const project = await this.db
      .selectFrom('projects')
      .selectAll()
      .where('id', '=', row.project_id)
      .executeTakeFirst();
    return project === undefined ? undefined : { token: toToken(row), project: toProject(project) };
  }

  async addTokenUses(
    uses: ReadonlyArray<{ tokenId: string; count: number; lastUsedAt: Date }>,
  ): Promise<void> {
    if (uses.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const u of uses) {
        await trx
          .updateTable('tokens')
          .set((eb) => ({
            request_count: eb('request_count', '+', u.count).$castTo<number>(),
            last_used_at: encodeDate(u.lastUsedAt),
          }))
          .where('id', '=', u.tokenId)
          .execute();
      }
    });
  }

  useToken(tokenHash: string, now: Date): Promise<TokenUse> {
    return useToken(this.db, tokenHash, now);
  }

  appendAudit(events: readonly NewAuditEvent[]): Promise<void> {
    return appendAudit(this.db, events);
  }

  queryAudit(q: AuditQuery): Promise<Page<AuditEvent>> {
    return queryAudit(this.db, q);
  }

  getAudit(id: string): Promise<AuditEvent | undefined> {
    return getAudit(this.db, id);
  }
}

/** deactivated_at records the first deactivation: deactivating again does not move it. */
function keepFirstStamp(at: string): RawBuilder<string> {
  return sql<string>`coalesce(deactivated_at, ${at})`;
}
