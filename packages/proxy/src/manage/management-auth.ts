import type { FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../crypto/index.js';
import { manageError } from './manage-errors.js';

const BEARER = /^bearer[ \t]+(\S.*)$/i;

/**
 * Checks `Authorization: Bearer <MANAGEMENT_TOKEN>` with the original's two 401 messages. The comparison is
 * constant-time over digests (the original used `!=`, §9.6), so neither the token nor its length leaks through
 * timing. The scheme is matched case-insensitively (RFC 9110); the original required exactly `Bearer `.
 */
export function checkManagementToken(req: FastifyRequest, expected: string): void {
  const header = req.headers.authorization;
  const match = header === undefined ? null : BEARER.exec(header);
  const presented = match?.[1]?.trim();
  if (presented === undefined || presented === '') {
    throw manageError('missing_authorization', { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
  if (!constantTimeEqual(presented, expected)) {
    throw manageError('invalid_management_token', { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
}
