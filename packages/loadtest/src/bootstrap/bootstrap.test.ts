import { describe, expect, it } from 'vitest';
import { BootstrapError } from './bootstrap-errors.js';
import type {
  BootstrapTarget,
  NewApiKey,
  NewOrganization,
  NewUser,
  UnsupportedFeature,
} from './bootstrap-target.js';
import { bootstrapTenants } from './bootstrap.js';
import { MemoryBootstrapTarget } from './memory-target.js';
import type { TenantPlan } from './tenants.js';

type Op =
  'createOrganization' | 'createUser' | 'createApiKey' | 'deleteApiKey' | 'deleteUser' | 'deleteOrganization';

/** Fails chosen calls (by operation and object name) and records concurrency, in front of the in-memory target. */
class FaultyTarget implements BootstrapTarget {
  readonly kind = 'faulty';
  readonly unsupported: UnsupportedFeature[] = [];
  readonly inner = new MemoryBootstrapTarget();
  readonly calls: { op: Op; name: string }[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly fault: (op: Op, name: string, nth: number) => Error | undefined = () => undefined,
  ) {}

  createOrganization(o: NewOrganization) {
    return this.call('createOrganization', o.name, () => this.inner.createOrganization(o));
  }
  createUser(u: NewUser) {
    return this.call('createUser', u.name, () => this.inner.createUser(u));
  }
  createApiKey(k: NewApiKey) {
    return this.call('createApiKey', k.name, () => this.inner.createApiKey(k));
  }
  deleteApiKey(id: string) {
    return this.call('deleteApiKey', id, () => this.inner.deleteApiKey(id));
  }
  deleteUser(id: string) {
    return this.call('deleteUser', id, () => this.inner.deleteUser(id));
  }
  deleteOrganization(id: string) {
    return this.call('deleteOrganization', id, () => this.inner.deleteOrganization(id));
  }

  count(op: Op, name?: string): number {
    return this.calls.filter((c) => c.op === op && (name === undefined || c.name === name)).length;
  }

  private async call<T>(op: Op, name: string, fn: () => Promise<T>): Promise<T> {
    this.calls.push({ op, name });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 1));
      const err = this.fault(op, name, this.count(op, name));
      if (err) throw err;
      return await fn();
    } finally {
      this.inFlight--;
    }
  }
}

const plan = (over: Partial<TenantPlan> = {}): TenantPlan => ({
  orgCount: 3,
  orgPrefix: 'lt-org',
  usersPerOrg: 4,
  userPrefix: 'lt-user',
  keysPerUser: 2,
  keyPrefix: 'lt-key',
  expiryDays: 0,
  ...over,
});

const http = (status: number, message = 'nope', retryAfterMs?: number) =>
  new BootstrapError('http_status', `POST /x: HTTP ${String(status)}: ${message}`, {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

const fast = { backoffMs: 1 };

describe('bootstrapTenants', () => {
  it('creates every organization, user and key with the contract’s names, keeping all keys in order', async () => {
    const target = new FaultyTarget();
    const t = await bootstrapTenants(target, plan());
    expect(t.created).toEqual({ orgs: 3, users: 12, keys: 24 });
    expect(t.orgs.map((o) => o.name)).toEqual(['lt-org-1', 'lt-org-2', 'lt-org-3']);
    const org2 = t.orgs[1];
    expect(org2?.users.map((u) => u.name)).toEqual([
      'lt-user-2-1',
      'lt-user-2-2',
      'lt-user-2-3',
      'lt-user-2-4',
    ]);
    const user = org2?.users[2];
    expect(user?.email).toBe('lt-user-2-3@loadtest.example.com');
    expect(user?.keys.map((k) => k.name)).toEqual(['lt-key-lt-user-2-3-1', 'lt-key-lt-user-2-3-2']);
    expect(new Set(t.orgs.flatMap((o) => o.users.flatMap((u) => u.keys.map((k) => k.key)))).size).toBe(24);
    // Each object belongs where the tree says.
    for (const o of t.orgs) {
      for (const u of o.users) {
        expect(target.inner.users.get(u.id)?.organizationId).toBe(o.id);
        for (const k of u.keys) expect(target.inner.keys.get(k.id)?.userId).toBe(u.id);
      }
    }
    expect(t.durationMs).toBeGreaterThan(0);
  });

  it('sets every key’s expiry expiryDays from now, or none for 0', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const target = new FaultyTarget();
    await bootstrapTenants(target, plan({ orgCount: 1, usersPerOrg: 1, expiryDays: 3 }), { now: () => now });
    for (const k of target.inner.keys.values())
      expect(k.expiresAt?.toISOString()).toBe('2030-01-04T00:00:00.000Z');
    const never = new FaultyTarget();
    await bootstrapTenants(never, plan({ orgCount: 1, usersPerOrg: 1, expiryDays: 0 }));
    for (const k of never.inner.keys.values()) expect(k.expiresAt).toBeNull();
  });

  it('passes the budget to every organization', async () => {
    const target = new FaultyTarget();
    const budget = { limitUSD: 40, warnAtUSD: 30 };
    await bootstrapTenants(target, plan({ orgCount: 2, usersPerOrg: 0, budget }));
    for (const o of target.inner.orgs.values()) expect(o.budget).toEqual(budget);
  });

  it('asks usersPerOrg for each organization’s user count', async () => {
    const target = new FaultyTarget();
    const t = await bootstrapTenants(target, plan({ usersPerOrg: (i) => i + 1, keysPerUser: 1 }));
    expect(t.orgs.map((o) => o.users.length)).toEqual([1, 2, 3]);
    expect(t.created).toEqual({ orgs: 3, users: 6, keys: 6 });
  });

  it('never has more than `concurrency` calls in flight', async () => {
    const target = new FaultyTarget();
    await bootstrapTenants(target, plan({ orgCount: 5, usersPerOrg: 5 }), { concurrency: 3 });
    expect(target.maxInFlight).toBe(3);
    const wide = new FaultyTarget();
    await bootstrapTenants(wide, plan({ orgCount: 5, usersPerOrg: 5 }));
    expect(wide.maxInFlight).toBe(8);
  });

  it('retries 429, 5xx and network failures, then succeeds', async () => {
    const target = new FaultyTarget((op, name, nth) => {
      if (op === 'createOrganization' && name === 'lt-org-2' && nth <= 2) return http(503);
      if (op === 'createUser' && name === 'lt-user-1-1' && nth === 1) return http(429, 'slow down');
      if (op === 'createApiKey' && name === 'lt-key-lt-user-3-4-2' && nth === 1) {
        return new BootstrapError('network', 'POST /x: request failed (ECONNRESET)');
      }
      return undefined;
    });
    const lines: string[] = [];
    const t = await bootstrapTenants(target, plan(), { ...fast, log: (l) => lines.push(l) });
    expect(t.created).toEqual({ orgs: 3, users: 12, keys: 24 });
    expect(target.count('createOrganization', 'lt-org-2')).toBe(3);
    expect(target.count('createUser', 'lt-user-1-1')).toBe(2);
    expect(lines.filter((l) => l.includes('retrying'))).toHaveLength(4);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^bootstrap: retrying organization "lt-org-2" in \d+ ms \(attempt 2 of 4\): .*HTTP 503/,
        ),
      ]),
    );
  });

  it('waits at least the server’s Retry-After before retrying', async () => {
    const target = new FaultyTarget((op, _name, nth) =>
      op === 'createOrganization' && nth === 1 ? http(429, 'busy', 120) : undefined,
    );
    const started = performance.now();
    await bootstrapTenants(target, plan({ orgCount: 1, usersPerOrg: 0 }), fast);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('fails at once on a 4xx other than 429, naming the object and the server’s reason, and cleans up', async () => {
    const target = new FaultyTarget((op, name) =>
      op === 'createUser' && name === 'lt-user-2-3' ? http(400, 'email already registered') : undefined,
    );
    const err = await bootstrapTenants(target, plan(), fast).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BootstrapError);
    const e = err as BootstrapError;
    expect(e.code).toBe('create_failed');
    expect(e.status).toBe(400);
    expect(e.subject).toBe('user "lt-user-2-3" of organization "lt-org-2"');
    expect(e.message).toBe(
      'could not create user "lt-user-2-3" of organization "lt-org-2" on the faulty target: POST /x: HTTP 400: ' +
        'email already registered',
    );
    expect(target.count('createUser', 'lt-user-2-3')).toBe(1);
    expect(e.cleanup?.failures).toEqual([]);
    expect(e.partial).toBeUndefined();
    expect(target.inner.orgs.size + target.inner.users.size + target.inner.keys.size).toBe(0);
    // Children before parents.
    const deletes = target.calls.filter((c) => c.op.startsWith('delete')).map((c) => c.op);
    expect(deletes.lastIndexOf('deleteApiKey')).toBeLessThan(deletes.indexOf('deleteUser'));
    expect(deletes.lastIndexOf('deleteUser')).toBeLessThan(deletes.indexOf('deleteOrganization'));
  });

  it('gives up after `retries` further attempts and says how many were made', async () => {
    const target = new FaultyTarget((op, name) =>
      op === 'createOrganization' && name === 'lt-org-3' ? http(502) : undefined,
    );
    const err = (await bootstrapTenants(target, plan(), { ...fast, retries: 2 }).catch(
      (e: unknown) => e,
    )) as BootstrapError;
    expect(err.code).toBe('create_failed');
    expect(err.message).toMatch(
      /^could not create organization "lt-org-3" on the faulty target after 3 attempts: .*HTTP 502/,
    );
    expect(target.count('createOrganization', 'lt-org-3')).toBe(3);
    expect(target.inner.orgs.size).toBe(0);
  });

  it('does not retry an error that is not a transient BootstrapError', async () => {
    const target = new FaultyTarget((op) =>
      op === 'createApiKey' ? new Error('bug in the target') : undefined,
    );
    const err = (await bootstrapTenants(target, plan(), fast).catch((e: unknown) => e)) as BootstrapError;
    expect(err.code).toBe('create_failed');
    expect(err.message).toContain('bug in the target');
    expect(target.count('createApiKey')).toBeLessThanOrEqual(8);
  });

  it('stops starting new calls after a failure, and deletes what calls in flight created', async () => {
    const target = new FaultyTarget((op, name) =>
      op === 'createOrganization' && name === 'lt-org-1' ? http(403) : undefined,
    );
    await expect(bootstrapTenants(target, plan({ orgCount: 20 }), { concurrency: 4 })).rejects.toThrow(
      /lt-org-1/,
    );
    // Only the first wave of organizations was started; nothing is left behind.
    expect(target.count('createOrganization')).toBeLessThanOrEqual(8);
    expect(target.inner.orgs.size + target.inner.users.size + target.inner.keys.size).toBe(0);
  });

  it('keeps what was created with keepOnFailure, listed in the error', async () => {
    const target = new FaultyTarget((op, name) =>
      op === 'createApiKey' && name === 'lt-key-lt-user-1-1-2' ? http(422) : undefined,
    );
    const err = (await bootstrapTenants(target, plan({ orgCount: 1, usersPerOrg: 1 }), {
      keepOnFailure: true,
    }).catch((e: unknown) => e)) as BootstrapError;
    expect(err.cleanup).toBeUndefined();
    expect(err.partial?.created).toEqual({ orgs: 1, users: 1, keys: 1 });
    expect(err.partial?.orgs[0]?.users[0]?.keys.map((k) => k.name)).toEqual(['lt-key-lt-user-1-1-1']);
    expect(target.inner.keys.size).toBe(1);
  });

  it('reports objects the cleanup could not delete, without hiding the first failure', async () => {
    const target = new FaultyTarget((op, name) => {
      if (op === 'createUser' && name === 'lt-user-1-2') return http(400, 'bad name');
      if (op === 'deleteOrganization') return http(409, 'org is locked');
      return undefined;
    });
    const lines: string[] = [];
    const err = (await bootstrapTenants(target, plan({ orgCount: 1 }), {
      ...fast,
      log: (l) => lines.push(l),
    }).catch((e: unknown) => e)) as BootstrapError;
    expect(err.message).toMatch(
      /^could not create user "lt-user-1-2".*bad name \(and 1 of the objects created before/,
    );
    expect(err.cleanup?.failures).toEqual([
      { kind: 'organization', id: 'org-1', name: 'lt-org-1', message: 'POST /x: HTTP 409: org is locked' },
    ]);
    expect(lines).toContain(
      'cleanup: could not delete organization "lt-org-1" (id org-1): POST /x: HTTP 409: org is locked',
    );
  });

  it('stops when its signal aborts, cleans up, and throws `aborted`', async () => {
    const ac = new AbortController();
    let users = 0;
    const target = new FaultyTarget((op) => {
      if (op === 'createUser' && ++users === 3) ac.abort();
      return undefined;
    });
    const err = (await bootstrapTenants(target, plan({ orgCount: 10 }), { signal: ac.signal }).catch(
      (e: unknown) => e,
    )) as BootstrapError;
    expect(err.code).toBe('aborted');
    expect(target.inner.orgs.size + target.inner.users.size + target.inner.keys.size).toBe(0);
  });

  it('warns once per thing the target does not support', async () => {
    const target = new FaultyTarget();
    target.unsupported.push(
      { text: 'organization budgets' },
      { text: 'users' },
      { text: 'something this plan does not use', appliesTo: () => false },
    );
    const lines: string[] = [];
    await bootstrapTenants(target, plan({ orgCount: 1, usersPerOrg: 0 }), { log: (l) => lines.push(l) });
    expect(lines.filter((l) => l.startsWith('bootstrap: warning:'))).toEqual([
      'bootstrap: warning: the faulty target does not support organization budgets',
      'bootstrap: warning: the faulty target does not support users',
    ]);
    expect(lines.at(-1)).toMatch(/^bootstrap: created 1 organizations, 0 users, 0 keys in \d+\.\d s$/);
  });

  it('rejects an impossible plan before creating anything', async () => {
    for (const bad of [
      { orgCount: -1 },
      { usersPerOrg: 1.5 },
      { keysPerUser: Number.NaN },
      { expiryDays: -1 },
    ]) {
      const target = new FaultyTarget();
      await expect(bootstrapTenants(target, plan(bad))).rejects.toMatchObject({ code: 'invalid_plan' });
      expect(target.calls).toEqual([]);
    }
    await expect(bootstrapTenants(new FaultyTarget(), plan(), { concurrency: 0 })).rejects.toMatchObject({
      code: 'invalid_plan',
    });
  });

  it('fails with invalid_plan when usersPerOrg returns an impossible count, cleaning up', async () => {
    const target = new FaultyTarget();
    const err = (await bootstrapTenants(target, plan({ usersPerOrg: (i) => (i === 1 ? -2 : 1) })).catch(
      (e: unknown) => e,
    )) as BootstrapError;
    expect(err.code).toBe('invalid_plan');
    expect(err.message).toContain('usersPerOrg(1)');
    expect(target.inner.orgs.size).toBe(0);
  });
});
