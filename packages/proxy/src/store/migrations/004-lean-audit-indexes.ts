import type { Kysely, Migration } from 'kysely';

/**
 * Every proxied request writes an audit row, so each index is paid on the request path's batch writes: with the
 * original's seven indexes a row cost ~22–39 µs here. Dropped:
 * - `idx_audit_client_ip`: `idx_audit_ip_action` starts with client_ip and serves the same lookups;
 * - `idx_audit_outcome` and `idx_audit_action`: a handful of distinct values, nearly every row `proxy_request` /
 *   `success`, so the planner scans by time anyway.
 * Kept: timestamp (every listing is newest first), project_id, request_id, (client_ip, action).
 */
const DROPPED = ['idx_audit_client_ip', 'idx_audit_outcome', 'idx_audit_action'] as const;

export const leanAuditIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    for (const name of DROPPED) await db.schema.dropIndex(name).ifExists().execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema
      .createIndex('idx_audit_client_ip')
      .ifNotExists()
      .on('audit_events')
      .column('client_ip')
      .execute();
    await db.schema
      .createIndex('idx_audit_outcome')
      .ifNotExists()
      .on('audit_events')
      .column('outcome')
      .execute();
    await db.schema
      .createIndex('idx_audit_action')
      .ifNotExists()
      .on('audit_events')
      .column('action')
      .execute();
  },
};
