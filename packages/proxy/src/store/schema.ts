import type { ColumnType, Generated } from 'kysely';

/*
 * The kysely view of the gateway's tables. Table and column names are the Go original's (`scripts/schema.sql`), so
 * an llm-proxy SQLite file is recognisable and can be adopted in place (migration 001 creates only what is missing).
 *
 * Representation in SQLite (what better-sqlite3 hands back):
 * - timestamps are ISO-8601 UTC text with milliseconds (`2026-03-28T12:00:00.000Z`). Fixed width and one zone, so
 *   text order is time order: `expires_at > ?` and the audit time range work as plain comparisons with a
 *   parameter, in SQL that PostgreSQL and MySQL accept too (no `datetime()`, the original's bug §9.10);
 * - booleans are 0/1 integers.
 * The select types also admit `Date` and `boolean`, which the PostgreSQL and MySQL drivers return, so the row codec
 * (`row-codec.ts`) is already written for them; what is written is always the SQLite form.
 */

/** A stored timestamp: read as text (SQLite) or Date (pg, mysql2); written as canonical ISO text. */
export type StoredTimestamp = ColumnType<string | Date, string, string>;
/** A stored boolean: read as 0/1 (SQLite, MySQL) or boolean (pg); written as 0/1. */
export type StoredBoolean = ColumnType<number | boolean, number, number>;
/** A counter: pg returns BIGINT as text, so reads admit both. */
type Counter = ColumnType<number | bigint | string, number | undefined, number>;

export interface ProjectsTable {
  id: string;
  name: string;
  /** `enc:v1:…` or plaintext (see `crypto/secret-box.ts`). */
  api_key: string;
  /** Added by migration 002; not in the original. */
  upstream_url: string | null;
  is_active: StoredBoolean;
  deactivated_at: StoredTimestamp | null;
  created_at: StoredTimestamp;
  updated_at: StoredTimestamp;
}

export interface TokensTable {
  id: string;
  /** The lookup key: SHA-256 hex of the token, with or without ENCRYPTION_KEY (migration 005 hashes adopted plaintext). */
  token: string;
  /** Added by migration 002; null on rows adopted from the original, where it is derived from `token` on read. */
  obfuscated: string | null;
  project_id: string;
  expires_at: StoredTimestamp | null;
  is_active: StoredBoolean;
  deactivated_at: StoredTimestamp | null;
  request_count: Counter;
  max_requests: number | null;
  created_at: StoredTimestamp;
  last_used_at: StoredTimestamp | null;
  cache_hit_count: Counter;
}

export interface AuditEventsTable {
  id: string;
  timestamp: StoredTimestamp;
  action: string;
  actor: string;
  project_id: string | null;
  request_id: string | null;
  correlation_id: string | null;
  client_ip: string | null;
  method: string | null;
  path: string | null;
  user_agent: string | null;
  /** CHECK (outcome IN ('success', 'failure', 'denied', 'error')). */
  outcome: string;
  reason: string | null;
  token_id: string | null;
  /** JSON object as text. */
  metadata: string | null;
}

/** Kysely's own bookkeeping (`Migrator` defaults), listed so the file layout is fully described here. */
export interface MigrationTable {
  name: string;
  timestamp: string;
}

export interface MigrationLockTable {
  id: string;
  is_locked: Generated<number>;
}

export const MIGRATION_TABLE = 'kysely_migration';
export const MIGRATION_LOCK_TABLE = 'kysely_migration_lock';

export interface Database {
  projects: ProjectsTable;
  tokens: TokensTable;
  audit_events: AuditEventsTable;
  kysely_migration: MigrationTable;
  kysely_migration_lock: MigrationLockTable;
}
