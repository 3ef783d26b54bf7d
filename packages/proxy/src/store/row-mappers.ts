import type { Selectable } from 'kysely';
import { z } from 'zod';
import { obfuscateToken } from '../crypto/tokens.js';
import type { AuditEventsTable, ProjectsTable, TokensTable } from './schema.js';
import { decodeBool, decodeCount, decodeDate, decodeOptionalDate, encodeDate } from './stored-values.js';
import type { AuditEvent, AuditOutcome, NewAuditEvent, Project, Token } from './store.js';

export type ProjectRow = Selectable<ProjectsTable>;
export type TokenRow = Selectable<TokensTable>;
export type AuditRow = Selectable<AuditEventsTable>;

export function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    apiKeyStored: row.api_key,
    upstreamUrl: row.upstream_url,
    isActive: decodeBool(row.is_active),
    deactivatedAt: decodeOptionalDate(row.deactivated_at),
    createdAt: decodeDate(row.created_at),
    updatedAt: decodeDate(row.updated_at),
  };
}

export function toToken(row: TokenRow): Token {
  return {
    id: row.id,
    tokenHash: row.token,
    // Rows adopted from the original have no display form; a plaintext `sk-` token can still be obfuscated, a hash
    // is returned unchanged (what the original shows).
    obfuscated: row.obfuscated ?? obfuscateToken(row.token),
    projectId: row.project_id,
    expiresAt: decodeOptionalDate(row.expires_at),
    isActive: decodeBool(row.is_active),
    deactivatedAt: decodeOptionalDate(row.deactivated_at),
    requestCount: decodeCount(row.request_count),
    maxRequests: row.max_requests,
    createdAt: decodeDate(row.created_at),
    lastUsedAt: decodeOptionalDate(row.last_used_at),
    cacheHitCount: decodeCount(row.cache_hit_count),
  };
}

const OUTCOMES: ReadonlySet<string> = new Set<AuditOutcome>(['success', 'failure', 'denied', 'error']);
const metadataSchema = z.record(z.string(), z.unknown());

export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    timestamp: decodeDate(row.timestamp),
    action: row.action,
    actor: row.actor,
    // The CHECK constraint admits only these; anything else is shown as an error rather than failing the listing.
    outcome: OUTCOMES.has(row.outcome) ? (row.outcome as AuditOutcome) : 'error',
    projectId: row.project_id,
    requestId: row.request_id,
    correlationId: row.correlation_id,
    clientIp: row.client_ip,
    method: row.method,
    path: row.path,
    userAgent: row.user_agent,
    reason: row.reason,
    tokenId: row.token_id,
    metadata: parseMetadata(row.metadata),
  };
}

export function toAuditRow(event: NewAuditEvent, id: string): AuditRow & { timestamp: string } {
  return {
    id,
    timestamp: encodeDate(event.timestamp),
    action: event.action,
    actor: event.actor,
    project_id: event.projectId,
    request_id: event.requestId,
    correlation_id: event.correlationId,
    client_ip: event.clientIp,
    method: event.method,
    path: event.path,
    user_agent: event.userAgent,
    outcome: event.outcome,
    reason: event.reason,
    token_id: event.tokenId,
    metadata: event.metadata === null ? null : JSON.stringify(event.metadata),
  };
}

/** Metadata is JSON text on disk; text that is not a JSON object is kept, under `raw`, rather than dropped. */
function parseMetadata(text: string | null): Record<string, unknown> | null {
  if (text === null || text === '') return null;
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: not JSON
  }
  return { raw: text };
}
