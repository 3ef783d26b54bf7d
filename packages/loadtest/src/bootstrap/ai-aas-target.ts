import { z } from 'zod';
import { BootstrapHttp } from './bootstrap-http.js';
import type {
  BootstrapTarget,
  CreatedApiKey,
  CreatedObject,
  NewApiKey,
  NewOrganization,
  NewUser,
  OrgBudget,
  UnsupportedFeature,
} from './bootstrap-target.js';

export interface AiAasBootstrapTargetOptions {
  /** The user/org service (`spec.targets.userOrgUrl`). */
  url: string;
  /** `spec.targets.adminApiKey`, sent as a Bearer token. */
  adminApiKey: string;
  timeoutMs: number;
}

/** Ids are strings in the contract; a numeric id is accepted and kept as its decimal text. */
const Id = z.union([z.string().min(1), z.number()]).transform(String);
const Created = z.object({ id: Id, name: z.string() });
const CreatedKey = z.object({ id: Id, name: z.string(), key: z.string().min(1) });

/**
 * The ai-aas platform's user/org API, as its load-test worker called it (reference contract §2):
 * `POST /api/v1/organizations`, `/api/v1/users`, `/api/v1/api-keys`, and `DELETE /api/v1/<kind>/<id>`.
 */
export class AiAasBootstrapTarget implements BootstrapTarget {
  readonly kind = 'ai-aas';
  readonly unsupported: readonly UnsupportedFeature[] = [];
  private readonly http: BootstrapHttp;

  constructor(opts: AiAasBootstrapTargetOptions) {
    this.http = new BootstrapHttp({ url: opts.url, token: opts.adminApiKey, timeoutMs: opts.timeoutMs });
  }

  async createOrganization(o: NewOrganization): Promise<CreatedObject> {
    const body: Record<string, unknown> = { name: o.name };
    // As the original: a budget is sent only when it has a limit.
    if (o.budget !== undefined && o.budget.limitUSD > 0) body['budget'] = budgetWire(o.budget);
    return this.http.json('POST', '/api/v1/organizations', body, Created);
  }

  createUser(u: NewUser): Promise<CreatedObject> {
    const body = { name: u.name, email: u.email, organization_id: u.organizationId };
    return this.http.json('POST', '/api/v1/users', body, Created);
  }

  createApiKey(k: NewApiKey): Promise<CreatedApiKey> {
    const body: Record<string, string> = { name: k.name, user_id: k.userId };
    if (k.expiresAt !== null) body['expires_at'] = rfc3339(k.expiresAt);
    return this.http.json('POST', '/api/v1/api-keys', body, CreatedKey);
  }

  deleteApiKey(id: string): Promise<void> {
    return this.http.send('DELETE', `/api/v1/api-keys/${encodeURIComponent(id)}`);
  }

  deleteUser(id: string): Promise<void> {
    return this.http.send('DELETE', `/api/v1/users/${encodeURIComponent(id)}`);
  }

  deleteOrganization(id: string): Promise<void> {
    return this.http.send('DELETE', `/api/v1/organizations/${encodeURIComponent(id)}`);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

function budgetWire(b: OrgBudget): Record<string, unknown> {
  const wire: Record<string, unknown> = { limit_usd: b.limitUSD };
  if (b.dailyUSD !== undefined) wire['daily_usd'] = b.dailyUSD;
  if (b.warnAtUSD !== undefined) wire['warn_at_usd'] = b.warnAtUSD;
  if (b.enableAlerts !== undefined) wire['enable_alerts'] = b.enableAlerts;
  return wire;
}

/** RFC 3339 in UTC to the second, as Go's `time.RFC3339` writes it. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
