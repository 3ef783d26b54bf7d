/**
 * The gateway's persistence seam. One kysely schema behind it; the dialect (SQLite by default, PostgreSQL and
 * MySQL next) is chosen from config. Every implementation passes the same conformance suite.
 *
 * Secrets at rest: a project's upstream key is stored encrypted (`enc:v1:` AES-256-GCM) and a token only as its
 * SHA-256 hash; the Store works with those stored forms and never sees a token in clear, except `createToken`'s
 * caller who generated it.
 */

export interface Project {
  id: string;
  name: string;
  /** The upstream API key as stored: `enc:v1:…` (or plaintext when no ENCRYPTION_KEY is configured). */
  apiKeyStored: string;
  /** Upstream base URL for this project; null = the gateway's global upstream. */
  upstreamUrl: string | null;
  isActive: boolean;
  deactivatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Token {
  id: string;
  /** Lowercase hex SHA-256 of the token (plaintext tokens of an adopted llm-proxy database are hashed by migration 005). */
  tokenHash: string;
  /** `sk-` + first 4 + 14×`*` + last 4 of the clear token, kept for listings since the hash cannot be shown. */
  obfuscated: string;
  projectId: string;
  expiresAt: Date | null;
  isActive: boolean;
  deactivatedAt: Date | null;
  requestCount: number;
  /** null or ≤ 0 = unlimited. */
  maxRequests: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  cacheHitCount: number;
}

export type AuditOutcome = 'success' | 'failure' | 'denied' | 'error';

export interface AuditEvent {
  id: string;
  timestamp: Date;
  action: string;
  actor: string;
  outcome: AuditOutcome;
  projectId: string | null;
  requestId: string | null;
  correlationId: string | null;
  clientIp: string | null;
  method: string | null;
  path: string | null;
  userAgent: string | null;
  reason: string | null;
  /** The token's id, never the token. */
  tokenId: string | null;
  /** JSON object of details (model, status, latency, tokens…). */
  metadata: Record<string, unknown> | null;
}

export type NewAuditEvent = Omit<AuditEvent, 'id'> & { id?: string };

export interface AuditQuery {
  action?: string;
  clientIp?: string;
  projectId?: string;
  outcome?: AuditOutcome;
  actor?: string;
  requestId?: string;
  correlationId?: string;
  method?: string;
  path?: string;
  /** Substring match over ids, ip, action, actor, method, path, reason, metadata. */
  search?: string;
  startTime?: Date;
  endTime?: Date;
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
}

/** Result of the atomic per-request quota and validity check. */
export type TokenUse =
  | { ok: true; token: Token; project: Project }
  | { ok: false; reason: 'not_found' | 'inactive' | 'expired' | 'quota_exceeded' | 'project_inactive' };

export interface ProjectPatch {
  name?: string;
  apiKeyStored?: string;
  upstreamUrl?: string | null;
  isActive?: boolean;
}

export interface TokenPatch {
  isActive?: boolean;
  maxRequests?: number | null;
}

export interface MigrationState {
  name: string;
  appliedAt: Date | null;
}

export interface Store {
  /** Applies pending migrations; idempotent. */
  migrate(): Promise<void>;
  /** True when the database answers and every migration is applied (for /ready). */
  isReady(): Promise<boolean>;
  /** Every migration, oldest first, with when it was applied (null: pending): `llmops migrate status`. */
  migrations(): Promise<MigrationState[]>;
  /** Undoes the last applied migration (`llmops migrate down`); its name, or null when none was applied. */
  migrateDown(): Promise<string | null>;
  /** Project keys and tokens still stored in clear: what `llmops migrate encrypt` would change. */
  plaintextCounts(): Promise<{ projectKeys: number; tokens: number }>;
  close(): Promise<void>;

  createProject(p: {
    id: string;
    name: string;
    apiKeyStored: string;
    upstreamUrl: string | null;
  }): Promise<Project>;
  getProject(id: string): Promise<Project | undefined>;
  listProjects(): Promise<Project[]>;
  updateProject(id: string, patch: ProjectPatch): Promise<Project | undefined>;
  /**
   * Encrypts, with `encrypt`, every project key still stored in clear (an adopted llm-proxy database, or one
   * written before ENCRYPTION_KEY was set); the original's `migrate encrypt`. Idempotent; returns how many changed.
   */
  encryptPlaintextKeys(encrypt: (plain: string) => string): Promise<number>;

  /**
   * Adds an active token, only while its project exists and is active (one statement): otherwise throws a
   * StoreConstraintError on `tokens.project_id`, `foreign_key` or `inactive`.
   */
  createToken(t: {
    id: string;
    tokenHash: string;
    obfuscated: string;
    projectId: string;
    expiresAt: Date | null;
    maxRequests: number | null;
  }): Promise<Token>;
  getToken(id: string): Promise<Token | undefined>;
  listTokens(projectId?: string): Promise<Token[]>;
  updateToken(id: string, patch: TokenPatch): Promise<Token | undefined>;
  /** Sets is_active=false on every active token of the project; returns how many changed and the total. */
  revokeProjectTokens(projectId: string): Promise<{ revoked: number; alreadyRevoked: number; total: number }>;

  /**
   * The hot-path check, one atomic statement: the token exists, is active, unexpired, its project is active, and
   * (when limited) request_count < max_requests — in which case request_count is incremented. Under any
   * concurrency exactly max_requests calls succeed.
   */
  useToken(tokenHash: string, now: Date): Promise<TokenUse>;

  /** Looks a token up by its stored hash, with its project, counting nothing: the request path's cache fill. */
  findTokenByHash(tokenHash: string): Promise<{ token: Token; project: Project } | undefined>;
  /** Adds counted uses in one batch: unlimited tokens are counted off the request path. */
  addTokenUses(uses: ReadonlyArray<{ tokenId: string; count: number; lastUsedAt: Date }>): Promise<void>;

  appendAudit(events: readonly NewAuditEvent[]): Promise<void>;
  queryAudit(q: AuditQuery): Promise<Page<AuditEvent>>;
  getAudit(id: string): Promise<AuditEvent | undefined>;
}
