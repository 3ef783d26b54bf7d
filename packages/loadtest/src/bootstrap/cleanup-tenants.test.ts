import { describe, expect, it } from 'vitest';
import { BootstrapError } from './bootstrap-errors.js';
import { bootstrapTenants } from './bootstrap.js';
import { cleanupTenants } from './cleanup-tenants.js';
import { MemoryBootstrapTarget } from './memory-target.js';
import type { TenantPlan } from './tenants.js';

const plan: TenantPlan = {
  orgCount: 2,
  orgPrefix: 'c-org',
  usersPerOrg: 3,
  userPrefix: 'c-user',
  keysPerUser: 2,
  keyPrefix: 'c-key',
  expiryDays: 1,
};

/** The in-memory target with scripted delete failures. */
class StubbornTarget extends MemoryBootstrapTarget {
  readonly deletes: string[] = [];
  constructor(
    private readonly refuse: (kind: string, id: string, nth: number) => BootstrapError | undefined,
  ) {
    super();
  }
  override deleteApiKey(id: string): Promise<void> {
    return this.guard('key', id, () => super.deleteApiKey(id));
  }
  override deleteUser(id: string): Promise<void> {
    return this.guard('user', id, () => super.deleteUser(id));
  }
  override deleteOrganization(id: string): Promise<void> {
    return this.guard('organization', id, () => super.deleteOrganization(id));
  }
  private guard(kind: string, id: string, fn: () => Promise<void>): Promise<void> {
    this.deletes.push(`${kind}:${id}`);
    const err = this.refuse(kind, id, this.deletes.filter((d) => d === `${kind}:${id}`).length);
    return err ? Promise.reject(err) : fn();
  }
}

const status = (code: number) => new BootstrapError('http_status', `HTTP ${String(code)}`, { status: code });

describe('cleanupTenants', () => {
  it('deletes keys, then users, then organizations', async () => {
    const target = new StubbornTarget(() => undefined);
    const tenants = await bootstrapTenants(target, plan);
    const lines: string[] = [];
    const report = await cleanupTenants(target, tenants, { log: (l) => lines.push(l) });
    expect(report.deleted).toEqual({ keys: 12, users: 6, orgs: 2 });
    expect(report.failures).toEqual([]);
    const kinds = target.deletes.map((d) => d.split(':')[0]);
    expect(kinds).toEqual([
      ...Array<string>(12).fill('key'),
      ...Array<string>(6).fill('user'),
      'organization',
      'organization',
    ]);
    expect(target.orgs.size + target.users.size + target.keys.size).toBe(0);
    expect(lines[0]).toMatch(
      /^cleanup: deleted 12 keys, 6 users, 2 organizations on the memory target in \d+\.\d s$/,
    );
  });

  it('collects every failure instead of stopping at the first, and carries on with the other objects', async () => {
    const refused = new Set<string>();
    const target = new StubbornTarget((kind, id) =>
      kind === 'key' && refused.has(id) ? status(400) : undefined,
    );
    const tenants = await bootstrapTenants(target, plan);
    const [a, b] = [tenants.orgs[0]?.users[1], tenants.orgs[1]?.users[0]];
    for (const k of [a?.keys[0], b?.keys[1]]) refused.add(k?.id ?? '');
    const report = await cleanupTenants(target, tenants, { backoffMs: 1 });
    // The users still holding a key could not go, nor their organizations; everything else did.
    expect(report.failures.map((f) => `${f.kind} ${f.name}`)).toEqual([
      'key c-key-c-user-1-2-1',
      'key c-key-c-user-2-1-2',
      'user c-user-1-2',
      'user c-user-2-1',
      'organization c-org-1',
      'organization c-org-2',
    ]);
    expect(report.deleted).toEqual({ keys: 10, users: 4, orgs: 0 });
    expect(report.failures[2]?.message).toMatch(/still has keys/);
  });

  it('counts an object that is already gone (404) as deleted', async () => {
    const target = new StubbornTarget(() => undefined);
    const tenants = await bootstrapTenants(target, plan);
    await cleanupTenants(target, tenants);
    const again = await cleanupTenants(target, tenants);
    expect(again.failures).toEqual([]);
    expect(again.deleted).toEqual({ keys: 12, users: 6, orgs: 2 });
  });

  it('retries transient failures of deletes', async () => {
    const target = new StubbornTarget((kind, _id, nth) =>
      kind === 'organization' && nth === 1 ? status(503) : undefined,
    );
    const tenants = await bootstrapTenants(target, plan);
    const report = await cleanupTenants(target, tenants, { backoffMs: 1 });
    expect(report.failures).toEqual([]);
    expect(target.deletes.filter((d) => d.startsWith('organization'))).toHaveLength(4);
  });

  it('reports what it did not attempt once its signal aborts', async () => {
    const target = new StubbornTarget(() => undefined);
    const tenants = await bootstrapTenants(target, plan);
    const report = await cleanupTenants(target, tenants, { signal: AbortSignal.abort() });
    expect(report.failures).toHaveLength(20);
    expect(report.failures[0]?.message).toBe('not attempted: the cleanup was aborted');
  });
});
