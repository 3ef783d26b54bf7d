import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditAction } from './manage-audit.js';

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

/** The `:id` path parameter (every parameterised management route has exactly this one). */
export function idParam(req: FastifyRequest): string {
  const { id } = req.params as { id?: unknown };
  return typeof id === 'string' ? id : '';
}
