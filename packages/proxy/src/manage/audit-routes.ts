import type { FastifyRequest } from 'fastify';
import { parseAuditQuery } from './audit-query.js';
import type { ManageContext } from './manage-context.js';
import { manageError } from './manage-errors.js';
import { idParam, queryParams, type ManageRoute } from './manage-route.js';
import { auditEventWire } from './wire-views.js';

/** `/manage/audit` and `/manage/audit/:id` (not in the original's OpenAPI spec; shapes from its server code). */
export function auditRoutes(ctx: ManageContext): ManageRoute[] {
  return [
    { method: 'GET', url: '/audit', action: 'audit.list', handler: (req) => listAuditEvents(ctx, req) },
    { method: 'GET', url: '/audit/:id', action: 'audit.show', handler: (req) => showAuditEvent(ctx, req) },
  ];
}

async function listAuditEvents(ctx: ManageContext, req: FastifyRequest): Promise<unknown> {
  const query = parseAuditQuery(queryParams(req));
  const page = await ctx.store.queryAudit(query);
  const totalPages = Math.ceil(page.totalCount / query.pageSize);
  ctx.record(req, 'audit.list', {
    outcome: 'success',
    details: {
      events_count: page.items.length,
      page: query.page,
      page_size: query.pageSize,
      total_count: page.totalCount,
    },
  });
  return {
    // Newest first (the store's order). An empty page is [] where the original sent null.
    events: page.items.map(auditEventWire),
    pagination: {
      page: query.page,
      page_size: query.pageSize,
      total_count: page.totalCount,
      total_pages: totalPages,
      has_next: query.page < totalPages,
      has_prev: query.page > 1,
    },
  };
}

async function showAuditEvent(ctx: ManageContext, req: FastifyRequest): Promise<unknown> {
  const id = idParam(req, 'audit_event_id_required');
  const event = await ctx.store.getAudit(id);
  if (!event) throw manageError('audit_event_not_found');
  ctx.record(req, 'audit.show', { outcome: 'success', details: { audit_event_id: id } });
  return auditEventWire(event);
}
