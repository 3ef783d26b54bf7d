import { BootstrapError } from './bootstrap-errors.js';
import type { OrgBudget } from './bootstrap-target.js';

/** What to create: the scenario's `spec.organizations` and `spec.users`, resolved to numbers. */
export interface TenantPlan {
  orgCount: number;
  orgPrefix: string;
  /** Sent with every organization; targets send it only when `limitUSD > 0`. */
  budget?: OrgBudget;
  /** Users of each organization; a function gets the 0-based org index (see {@link usersPerOrgFromRange}). */
  usersPerOrg: number | ((orgIndex: number) => number);
  userPrefix: string;
  keysPerUser: number;
  keyPrefix: string;
  /** Days until each key expires; 0 = never. */
  expiryDays: number;
}

export interface TenantKey {
  id: string;
  name: string;
  key: string;
}

export interface TenantUser {
  id: string;
  name: string;
  email: string;
  /** Every key created for the user, in creation order: a simulated user rotates through them. */
  keys: TenantKey[];
}

export interface TenantOrg {
  id: string;
  name: string;
  users: TenantUser[];
}

export interface Tenants {
  orgs: TenantOrg[];
  durationMs: number;
  created: { orgs: number; users: number; keys: number };
}

export interface CleanupFailure {
  kind: 'key' | 'user' | 'organization';
  id: string;
  name: string;
  /** The error's message (never a credential). */
  message: string;
}

export interface CleanupReport {
  deleted: { keys: number; users: number; orgs: number };
  failures: CleanupFailure[];
  durationMs: number;
}

export const EMAIL_DOMAIN = 'loadtest.example.com';

/** Organization `n` (1-based): `<orgPrefix>-<n>`. */
export function orgName(plan: Pick<TenantPlan, 'orgPrefix'>, n: number): string {
  return `${plan.orgPrefix}-${String(n)}`;
}

/** User `n` (1-based) of organization `orgN`: `<userPrefix>-<orgN>-<n>`. */
export function userName(plan: Pick<TenantPlan, 'userPrefix'>, orgN: number, n: number): string {
  return `${plan.userPrefix}-${String(orgN)}-${String(n)}`;
}

export function userEmail(name: string): string {
  return `${name}@${EMAIL_DOMAIN}`;
}

/** Key `n` (1-based) of a user: `<keyPrefix>-<user name>-<n>`. */
export function keyName(plan: Pick<TenantPlan, 'keyPrefix'>, user: string, n: number): string {
  return `${plan.keyPrefix}-${user}-${String(n)}`;
}

/**
 * `spec.users.perOrg` as a plan entry: `min` users when `max <= min` (what the original bootstrapped), else a
 * uniform draw in `[min, max]` per organization from `random` (a `Math.random`-like callback, so runs can be seeded).
 */
export function usersPerOrgFromRange(
  range: { min: number; max?: number },
  random: () => number,
): number | ((orgIndex: number) => number) {
  const max = range.max ?? range.min;
  if (max <= range.min) return range.min;
  const span = max - range.min + 1;
  return () => range.min + Math.min(span - 1, Math.floor(random() * span));
}

/** Checks the numbers of a plan once, before anything is created. */
export function assertValidPlan(plan: TenantPlan): void {
  const counts: [string, number][] = [
    ['orgCount', plan.orgCount],
    ['keysPerUser', plan.keysPerUser],
  ];
  if (typeof plan.usersPerOrg === 'number') counts.push(['usersPerOrg', plan.usersPerOrg]);
  for (const [field, value] of counts) assertCount(field, value);
  if (!Number.isFinite(plan.expiryDays) || plan.expiryDays < 0) {
    throw new BootstrapError('invalid_plan', `expiryDays must be 0 (never) or a positive number of days`);
  }
}

export function assertCount(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new BootstrapError('invalid_plan', `${field} must be a whole number >= 0, got ${String(value)}`);
  }
}

/**
 * Tenants for `bootstrapApi: 'none'`: nothing is created; `users` users share one organization and each gets the
 * given key (or no key, for a gateway without authentication).
 */
export function staticTenants(apiKey: string | undefined, users: number): Tenants {
  assertCount('users', users);
  const keys = (): TenantKey[] =>
    apiKey === undefined ? [] : [{ id: 'static', name: 'static', key: apiKey }];
  const members: TenantUser[] = Array.from({ length: users }, (_, i) => {
    const name = `user-${String(i + 1)}`;
    return { id: `static-${String(i + 1)}`, name, email: userEmail(name), keys: keys() };
  });
  return {
    orgs: [{ id: 'static', name: 'static', users: members }],
    durationMs: 0,
    created: { orgs: 0, users: 0, keys: 0 },
  };
}

/** Every user of every organization, in order. */
export function allUsers(tenants: Pick<Tenants, 'orgs'>): TenantUser[] {
  return tenants.orgs.flatMap((o) => o.users);
}
