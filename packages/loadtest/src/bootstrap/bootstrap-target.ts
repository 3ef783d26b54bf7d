import type { TenantPlan } from './tenants.js';
/** An organization's spending limits, as the scenario declares them (`spec.organizations.budget`). */
export interface OrgBudget {
  limitUSD: number;
  dailyUSD?: number;
  warnAtUSD?: number;
  enableAlerts?: boolean;
}

export interface NewOrganization {
  name: string;
  budget?: OrgBudget;
}

export interface NewUser {
  name: string;
  email: string;
  organizationId: string;
}

export interface NewApiKey {
  name: string;
  userId: string;
  organizationId: string;
  /** null = never expires (where the target allows it). */
  expiresAt: Date | null;
}

export interface CreatedObject {
  id: string;
  name: string;
}

export interface CreatedApiKey extends CreatedObject {
  /** The clear key, shown once by the server: what simulated users send as `Authorization: Bearer <key>`. */
  key: string;
}

/**
 * Where a load test creates its tenants: one implementation per account system. Every call is one remote
 * operation; failures are `BootstrapError`s (`http_status` with the status and `Retry-After`, `network`,
 * `invalid_response`), so the caller can decide what to retry. Deletes of objects that are already gone may
 * answer `http_status` 404; cleanup counts that as done.
 */
export interface BootstrapTarget {
  /** A short name for logs, e.g. `llmops`. */
  readonly kind: string;
  createOrganization(o: NewOrganization): Promise<CreatedObject>;
  createUser(u: NewUser): Promise<CreatedObject>;
  createApiKey(k: NewApiKey): Promise<CreatedApiKey>;
  deleteApiKey(id: string): Promise<void>;
  deleteUser(id: string): Promise<void>;
  deleteOrganization(id: string): Promise<void>;
  /** What this target ignores (e.g. budgets), for one warning line each. */
  readonly unsupported: readonly UnsupportedFeature[];
  /** Releases the target's connections; optional (in-memory targets have none). */
  close?(): Promise<void>;
}

/** Something a target cannot do; warned about only when the plan asks for it. */
export interface UnsupportedFeature {
  text: string;
  /** Whether this plan uses the feature; absent = always worth a warning. */
  appliesTo?: (plan: TenantPlan) => boolean;
}
