import { uuidV7 } from '../crypto/tokens.js';
import { toAuditRow } from './row-mappers.js';
import type { NewAuditEvent } from './store.js';

/** The one audit insert of the SQLite store, on the main connection or on the audit thread's own. */
export const AUDIT_INSERT_SQL = `INSERT INTO audit_events (id, timestamp, action, actor, project_id, request_id,
  correlation_id, client_ip, method, path, user_agent, outcome, reason, token_id, metadata)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** An audit event as the insert's parameters, in its column order (plain values: they cross a thread boundary). */
export function auditInsertValues(e: NewAuditEvent): Array<string | null> {
  const r = toAuditRow(e, e.id ?? uuidV7());
  return [
    r.id,
    r.timestamp,
    r.action,
    r.actor,
    r.project_id,
    r.request_id,
    r.correlation_id,
    r.client_ip,
    r.method,
    r.path,
    r.user_agent,
    r.outcome,
    r.reason,
    r.token_id,
    r.metadata,
  ];
}
