import type { Kysely, Migration } from 'kysely';
import { decodeDate, encodeDate, isCanonicalTimestamp } from '../stored-values.js';

/*
 * Rewrites timestamps the Go original left in an adopted SQLite file (`2026-03-28 10:00:00.123456789+00:00`) into
 * the canonical ISO form. The store compares timestamps as text (`expires_at > ?`, the audit time range), which is
 * only correct when every row uses one fixed-width format: ' ' sorts before 'T', so a legacy row would compare as
 * earlier than it is on its own day.
 *
 * The check is done in JavaScript rather than with a SQL pattern so the migration runs unchanged on PostgreSQL and
 * MySQL, whose drivers return Date objects here (never rewritten). On a new database every table is empty.
 */

const TIMESTAMP_COLUMNS = {
  projects: ['deactivated_at', 'created_at', 'updated_at'],
  tokens: ['expires_at', 'deactivated_at', 'created_at', 'last_used_at'],
  audit_events: ['timestamp'],
} as const;

type Table = keyof typeof TIMESTAMP_COLUMNS;
type Row = Record<string, string | Date | number | null>;
/** The three tables as this migration sees them, independent of later schema changes. */
type Snapshot = Record<Table, Row & { id: string }>;

const PAGE = 1000;

async function normaliseTable(db: Kysely<Snapshot>, table: Table): Promise<void> {
  const columns = TIMESTAMP_COLUMNS[table];
  let after = '';
  for (;;) {
    // Keyset paging over the primary key keeps memory flat on a large audit table.
    const rows: Row[] = await db
      .selectFrom(table)
      .select(['id', ...columns])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const patch: Record<string, string> = {};
      for (const column of columns) {
        const value = row[column];
        if (typeof value === 'string' && !isCanonicalTimestamp(value))
          patch[column] = encodeDate(decodeDate(value));
      }
      if (Object.keys(patch).length > 0) {
        await db.updateTable(table).set(patch).where('id', '=', String(row.id)).execute();
      }
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) return;
    after = String(last.id);
  }
}

export const canonicalTimestamps: Migration = {
  async up(db) {
    const snapshot = db as Kysely<Snapshot>;
    for (const table of Object.keys(TIMESTAMP_COLUMNS) as Table[]) await normaliseTable(snapshot, table);
  },
  // Nothing to undo: the canonical form is readable by every version.
  async down() {},
};
