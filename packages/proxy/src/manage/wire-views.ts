import type { KeyObject } from 'node:crypto';
import { decryptSecret, encryptSecret, hashToken, isEncrypted, obfuscateApiKey } from '../crypto/index.js';
import type { AuditEvent, Project, Token } from '../store/store.js';

/*
 * The JSON the management API answers with: the original's field names and shapes (snake_case, RFC 3339 times,
 * `omitempty` fields left out), validated against its OpenAPI spec by `openapi-compat.test.ts`.
 */

export interface ProjectWire {
  id: string;
  name: string;
  /** Always the obfuscated form, also after create and update (the original echoed the plaintext there, §9.7). */
  api_key: string;
  /** Our extension; null = the gateway's global upstream. */
  upstream_url: string | null;
  is_active: boolean;
  deactivated_at?: string;
  created_at: string;
  updated_at: string;
}

export interface TokenWire {
  id: string;
  /** Obfuscated, except in the answer to the create call: the only time the clear token is shown. */
  token: string;
  project_id: string;
  expires_at: string | null;
  is_active: boolean;
  request_count: number;
  /** 0 = unlimited, as the OpenAPI spec documents (the store keeps null). */
  max_requests: number;
  created_at: string;
  last_used_at: string | null;
  cache_hit_count: number;
}

export interface AuditEventWire {
  id: string;
  timestamp: string;
  action: string;
  actor: string;
  outcome: string;
  project_id?: string;
  request_id?: string;
  correlation_id?: string;
  client_ip?: string;
  method?: string;
  path?: string;
  user_agent?: string;
  reason?: string;
  token_id?: string;
  /** A JSON string, as the original sends it. */
  metadata?: string;
}

/** Shown instead of a key that cannot be decrypted (no or a different ENCRYPTION_KEY); never a 500 for a listing. */
const UNREADABLE_KEY = '********';

export function projectWire(p: Project, key: KeyObject | undefined): ProjectWire {
  const wire: ProjectWire = {
    id: p.id,
    name: p.name,
    api_key: displayApiKey(p.apiKeyStored, key),
    upstream_url: p.upstreamUrl,
    is_active: p.isActive,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
  if (p.deactivatedAt) wire.deactivated_at = p.deactivatedAt.toISOString();
  return wire;
}

/** `clearToken` only for the create answer. */
export function tokenWire(t: Token, clearToken?: string): TokenWire {
  return {
    id: t.id,
    token: clearToken ?? t.obfuscated,
    project_id: t.projectId,
    expires_at: t.expiresAt?.toISOString() ?? null,
    is_active: t.isActive,
    request_count: t.requestCount,
    max_requests: t.maxRequests !== null && t.maxRequests > 0 ? t.maxRequests : 0,
    created_at: t.createdAt.toISOString(),
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    cache_hit_count: t.cacheHitCount,
  };
}

export function auditEventWire(e: AuditEvent): AuditEventWire {
  const wire: AuditEventWire = {
    id: e.id,
    timestamp: e.timestamp.toISOString(),
    action: e.action,
    actor: e.actor,
    outcome: e.outcome,
  };
  const optional: [keyof AuditEventWire, string | null][] = [
    ['project_id', e.projectId],
    ['request_id', e.requestId],
    ['correlation_id', e.correlationId],
    ['client_ip', e.clientIp],
    ['method', e.method],
    ['path', e.path],
    ['user_agent', e.userAgent],
    ['reason', e.reason],
    ['token_id', e.tokenId],
    ['metadata', e.metadata === null ? null : JSON.stringify(e.metadata)],
  ];
  for (const [field, value] of optional) if (value !== null && value !== '') wire[field] = value;
  return wire;
}

/** The stored form of an upstream key: `enc:v1:` when a key is configured, else plaintext (as the original). */
export function storedApiKey(plain: string, key: KeyObject | undefined): string {
  return key ? encryptSecret(plain, key) : plain;
}

/**
 * The stored form of a gateway token, as `Store.useToken` expects it: always its SHA-256 hex, with or without
 * ENCRYPTION_KEY. Unlike the original (plaintext without a key), a copy of the database never holds a usable token;
 * the plaintext tokens of an adopted llm-proxy database are hashed by migration 005.
 */
export function storedTokenForm(token: string, _key?: KeyObject | undefined): string {
  return hashToken(token);
}

function displayApiKey(stored: string, key: KeyObject | undefined): string {
  if (!isEncrypted(stored)) return obfuscateApiKey(stored);
  if (!key) return UNREADABLE_KEY;
  try {
    return obfuscateApiKey(decryptSecret(stored, key));
  } catch {
    return UNREADABLE_KEY;
  }
}
