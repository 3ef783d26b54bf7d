import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientId } from '../http/client-address.js';
import type { RequestIds } from './manage-audit.js';

/**
 * Echoes the client's X-Request-ID and X-Correlation-ID (or generates them), as the original's management
 * middleware does, and keeps them for the audit record. The original generated a fresh id for its handlers'
 * audit events whatever the client sent (§9.12); here the client's id is the one recorded.
 */
export function assignRequestIds(req: FastifyRequest, reply: FastifyReply): void {
  const ids: RequestIds = {
    requestId: clientId(req.headers['x-request-id']) ?? randomUUID(),
    correlationId: clientId(req.headers['x-correlation-id']) ?? randomUUID(),
  };
  req.manageIds = ids;
  void reply.header('X-Request-ID', ids.requestId).header('X-Correlation-ID', ids.correlationId);
}
