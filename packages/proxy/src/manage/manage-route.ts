import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditAction } from './manage-audit.js';
import { manageError, type ManageErrorCode } from './manage-errors.js';

export type ManageMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One row of the management API's route table (paths relative to `/manage`). */
export interface ManageRoute {
  method: ManageMethod;
  url: string;
  /** The audit action; failures are audited with it by the error handler, successes by the handler. */
  action: AuditAction;
  /** What the `:id` parameter names, for audit records of failures. */
  subject?: 'project' | 'token';
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** False for a route that exists only to refuse (DELETE project): left out of the `Allow` header. */
  allowed?: false;
}

/**
 * The `:id` path parameter (every parameterised management route has exactly this one). An empty one
 * (`/manage/tokens/`) is refused with `ifEmpty`, the original's 400 for that path, before anything else is checked.
 */
export function idParam(req: FastifyRequest, ifEmpty: ManageErrorCode): string {
  const { id } = req.params as { id?: unknown };
  if (typeof id !== 'string' || id === '') throw manageError(ifEmpty);
  return id;
}

/**
 * The query string as Go's `r.URL.Query().Get` reads it: the first value of each parameter. Fastify hands a
 * repeated parameter over as an array, which a plain string check would treat as absent, dropping the filter.
 */
export function queryParams(req: FastifyRequest): Record<string, string> {
  const params: Record<string, string> = {};
  const raw = (req.query ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(raw)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') params[name] = first;
  }
  return params;
}
