import type { FastifyRequest } from 'fastify';
import { clientIpOf, headerValue, userAgentOf } from '../http/client-address.js';
import type { AuditOutcome, NewAuditEvent } from '../store/store.js';

/** The original's action names (`internal/audit/schema.go`); admin UIs and audit queries filter on them. */
export type AuditAction =
  | 'project.list'
  | 'project.read'
  | 'project.create'
  | 'project.update'
  | 'project.delete'
  | 'token.create'
  | 'token.list'
  | 'token.read'
  | 'token.update'
  | 'token.revoke'
  | 'token.revoke_batch'
  | 'audit.list'
  | 'audit.show'
  | 'cache.purge';

/** Every management request is made with the management token, so the actor is always the API itself. */
export const MANAGEMENT_ACTOR = 'management_api';

export interface AuditFields {
  outcome: AuditOutcome;
  projectId?: string | null | undefined;
  /** The token's id, never the token. */
  tokenId?: string | null | undefined;
  /** The error text of a failed action. */
  reason?: string | undefined;
  /** Extra details (counts, changed fields). Never a token, a key or a request body. */
  details?: Record<string, unknown>;
}

export interface RequestIds {
  requestId: string;
  correlationId: string;
}

/**
 * Builds the audit event of one management request, with the same request-derived fields as the original
 * (`auditEvent` in `internal/server/server.go`): client IP, method, path, the admin UI's forwarded user agent and
 * referer, and its origin marker.
 */
export function buildAuditEvent(
  req: FastifyRequest,
  ids: RequestIds,
  action: AuditAction,
  fields: AuditFields,
  timestamp: Date,
): NewAuditEvent {
  const metadata: Record<string, unknown> = { ...fields.details };
  const referer = headerValue(req, 'x-forwarded-referer');
  if (referer !== undefined) metadata['referer'] = referer;
  if (headerValue(req, 'x-admin-origin') === '1') metadata['origin'] = 'admin-ui';
  return {
    timestamp,
    action,
    actor: MANAGEMENT_ACTOR,
    outcome: fields.outcome,
    projectId: fields.projectId ?? null,
    requestId: ids.requestId,
    correlationId: ids.correlationId,
    clientIp: clientIpOf(req),
    method: req.method,
    path: req.url.split('?')[0] ?? req.url,
    userAgent: userAgentOf(req),
    reason: fields.reason ?? null,
    tokenId: fields.tokenId ?? null,
    metadata: Object.keys(metadata).length > 0 ? metadata : null,
  };
}
