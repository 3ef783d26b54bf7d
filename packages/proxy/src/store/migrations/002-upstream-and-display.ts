import type { Kysely, Migration } from 'kysely';

/*
 * Columns the original does not have: a per-project upstream URL, and the token's obfuscated display form (the
 * hash in `token` cannot be shown; the original lists raw hashes, §9.7). Both are nullable so adopted rows need no
 * backfill. Each column is added only when missing, so a run interrupted between the two can be repeated.
 */

async function hasColumn(db: Kysely<unknown>, table: string, column: string): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((t) => t.name === table && t.columns.some((c) => c.name === column));
}

export const upstreamAndDisplay: Migration = {
  async up(db) {
    if (!(await hasColumn(db, 'projects', 'upstream_url'))) {
      await db.schema.alterTable('projects').addColumn('upstream_url', 'text').execute();
    }
    if (!(await hasColumn(db, 'tokens', 'obfuscated'))) {
      await db.schema.alterTable('tokens').addColumn('obfuscated', 'varchar(64)').execute();
    }
  },

  async down(db) {
    await db.schema.alterTable('tokens').dropColumn('obfuscated').execute();
    await db.schema.alterTable('projects').dropColumn('upstream_url').execute();
  },
};
