import { sql, type Migration } from 'kysely';

/*
 * The Go original's SQLite schema (`scripts/schema.sql`), same tables, columns and index names. Everything is
 * `IF NOT EXISTS`, so on an llm-proxy database this migration adopts the existing tables instead of failing, and a
 * half-applied run (SQLite DDL is not transactional in kysely's migrator) can simply be repeated.
 *
 * Types are chosen to mean the same on SQLite, PostgreSQL and MySQL:
 * - keys and indexed text are VARCHAR(191): MySQL cannot index TEXT without a prefix, and 191 × 4 bytes (utf8mb4)
 *   fits InnoDB's 767-byte index limit; SQLite gives VARCHAR text affinity, so nothing changes there;
 * - `timestamp` holds ISO text in SQLite (numeric affinity, but ISO strings do not look numeric, so they stay text).
 *   PostgreSQL: `timestamp` (without time zone, values are UTC, as in the original). MySQL will need `datetime(3)`
 *   instead, since its TIMESTAMP ends in 2038 and auto-updates the first such column;
 * - `boolean` is BOOLEAN in SQLite and PostgreSQL, TINYINT(1) in MySQL; `defaultTo(true)` needs SQLite ≥ 3.23.
 */

const KEY = 'varchar(191)';

export const initial: Migration = {
  async up(db) {
    await db.schema
      .createTable('projects')
      .ifNotExists()
      .addColumn('id', KEY, (c) => c.primaryKey())
      .addColumn('name', KEY, (c) => c.notNull().unique())
      .addColumn('api_key', 'text', (c) => c.notNull())
      .addColumn('is_active', 'boolean', (c) => c.notNull().defaultTo(true))
      .addColumn('deactivated_at', 'timestamp')
      .addColumn('created_at', 'timestamp', (c) => c.notNull())
      .addColumn('updated_at', 'timestamp', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('tokens')
      .ifNotExists()
      .addColumn('id', KEY, (c) => c.primaryKey())
      .addColumn('token', KEY, (c) => c.notNull().unique())
      .addColumn('project_id', KEY, (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('expires_at', 'timestamp')
      .addColumn('is_active', 'boolean', (c) => c.notNull().defaultTo(true))
      .addColumn('deactivated_at', 'timestamp')
      .addColumn('request_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_requests', 'integer')
      .addColumn('created_at', 'timestamp', (c) => c.notNull())
      .addColumn('last_used_at', 'timestamp')
      .addColumn('cache_hit_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    for (const column of ['token', 'project_id', 'expires_at', 'is_active']) {
      await db.schema.createIndex(`idx_tokens_${column}`).ifNotExists().on('tokens').column(column).execute();
    }

    await db.schema
      .createTable('audit_events')
      .ifNotExists()
      .addColumn('id', KEY, (c) => c.primaryKey())
      .addColumn('timestamp', 'timestamp', (c) => c.notNull())
      .addColumn('action', KEY, (c) => c.notNull())
      .addColumn('actor', KEY, (c) => c.notNull())
      .addColumn('project_id', KEY)
      .addColumn('request_id', KEY)
      .addColumn('correlation_id', KEY)
      .addColumn('client_ip', KEY)
      .addColumn('method', KEY)
      .addColumn('path', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('outcome', KEY, (c) =>
        c.notNull().check(sql`outcome in ('success', 'failure', 'denied', 'error')`),
      )
      .addColumn('reason', 'text')
      .addColumn('token_id', KEY)
      // JSON as text everywhere; PostgreSQL could use jsonb later, but `search` needs LIKE over it as text.
      .addColumn('metadata', 'text')
      .execute();
    const auditIndexes: Record<string, string[]> = {
      idx_audit_timestamp: ['timestamp'],
      idx_audit_action: ['action'],
      idx_audit_project_id: ['project_id'],
      idx_audit_client_ip: ['client_ip'],
      idx_audit_request_id: ['request_id'],
      idx_audit_outcome: ['outcome'],
      idx_audit_ip_action: ['client_ip', 'action'],
    };
    for (const [name, columns] of Object.entries(auditIndexes)) {
      await db.schema.createIndex(name).ifNotExists().on('audit_events').columns(columns).execute();
    }
  },

  async down(db) {
    await db.schema.dropTable('audit_events').ifExists().execute();
    await db.schema.dropTable('tokens').ifExists().execute();
    await db.schema.dropTable('projects').ifExists().execute();
  },
};
