import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import { generateToken, hashToken, obfuscateToken } from '../../crypto/tokens.js';
import type { NewAuditEvent, Project, Store, Token } from '../store.js';

/** Opens a Store on a fresh, empty, unmigrated database. */
export type OpenStore = () => Promise<Store>;
/** Opens two Stores (two connections) on one fresh, unmigrated database. */
export type OpenStorePair = () => Promise<readonly [Store, Store]>;

export interface StoreConformanceOptions {
  /** For the cross-connection cases; when absent they are skipped, named with `pairSkipReason`. */
  openPair?: OpenStorePair;
  pairSkipReason?: string;
}

/** A migrated store for each test, closed after it: every case owns its database. */
export function useMigratedStore(open: OpenStore): () => Store {
  let store: Store | undefined;
  beforeEach(async () => {
    store = await open();
    await store.migrate();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return () => {
    if (store === undefined) throw new Error('The store is only available inside a test.');
    return store;
  };
}

export function newProject(
  store: Store,
  overrides: Partial<{ id: string; name: string; apiKeyStored: string; upstreamUrl: string | null }> = {},
): Promise<Project> {
  const id = overrides.id ?? randomUUID();
  return store.createProject({
    id,
    name: overrides.name ?? `project-${id}`,
    apiKeyStored: overrides.apiKeyStored ?? 'enc:v1:c3RvcmVkLWtleQ==',
    upstreamUrl: overrides.upstreamUrl ?? null,
  });
}

/** A token as the management API creates it; the clear token is returned for callers that need it. */
export async function newToken(
  store: Store,
  projectId: string,
  overrides: Partial<{ expiresAt: Date | null; maxRequests: number | null }> = {},
): Promise<Token & { clear: string }> {
  const clear = generateToken();
  const token = await store.createToken({
    id: randomUUID(),
    tokenHash: hashToken(clear),
    obfuscated: obfuscateToken(clear),
    projectId,
    expiresAt: overrides.expiresAt === undefined ? new Date(Date.now() + 3_600_000) : overrides.expiresAt,
    maxRequests: overrides.maxRequests ?? null,
  });
  return { ...token, clear };
}

export function auditEvent(overrides: Partial<NewAuditEvent> = {}): NewAuditEvent {
  return {
    timestamp: new Date('2026-03-28T12:00:00.000Z'),
    action: 'proxy_request',
    actor: 'system',
    outcome: 'success',
    projectId: null,
    requestId: null,
    correlationId: null,
    clientIp: null,
    method: null,
    path: null,
    userAgent: null,
    reason: null,
    tokenId: null,
    metadata: null,
    ...overrides,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
