import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AiAasBootstrapTarget, rfc3339 } from './ai-aas-target.js';
import { BootstrapError } from './bootstrap-errors.js';
import { bootstrapTenants } from './bootstrap.js';
import { cleanupTenants } from './cleanup-tenants.js';
import { TARGET_CONFORMANCE_CASES } from './target-conformance.js';
import type { TenantPlan } from './tenants.js';

const ADMIN_KEY = 'aas-admin-0123456789abcdef';

interface Recorded {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

interface Fault {
  when: (method: string, path: string) => boolean;
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/**
 * The ai-aas user/org service as the contract describes it: checks the admin key, each body's exact fields and
 * the parents' existence; answers 404 for unknown ids. Scripted faults are served once each, first match first.
 */
class FakeAiAas {
  readonly requests: Recorded[] = [];
  readonly faults: Fault[] = [];
  readonly orgs = new Map<string, unknown>();
  readonly users = new Map<string, { organization_id: string }>();
  readonly keys = new Map<string, { key: string }>();
  /** Every key ever issued, also after deletion. */
  readonly issued: string[] = [];
  private n = 0;
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));
  url = '';

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${String((this.server.address() as AddressInfo).port)}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  reset(): void {
    this.requests.length = 0;
    this.faults.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const method = req.method ?? '';
    const path = req.url ?? '';
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    this.requests.push({
      method,
      path,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
    });
    const fault = this.faults.findIndex((f) => f.when(method, path));
    if (fault >= 0) {
      const [f] = this.faults.splice(fault, 1);
      if (f?.status === 0) return; // never answers
      res.writeHead(f?.status ?? 500, { 'content-type': 'application/json', ...f?.headers });
      res.end(f?.body ?? '{"error":"fault"}');
      return;
    }
    if (req.headers.authorization !== `Bearer ${ADMIN_KEY}`) {
      // A careless server that echoes what it was sent: the client must not repeat it.
      return this.answer(res, 401, { error: `invalid admin key: ${req.headers.authorization ?? ''}` });
    }
    const [status, answer] = this.route(method, path, body as Record<string, unknown> | undefined);
    this.answer(res, status, answer);
  }

  private route(method: string, path: string, b: Record<string, unknown> | undefined): [number, unknown] {
    const id = (p: string) => `${p}${String(++this.n)}`;
    const fields = (want: string[], optional: string[] = []) =>
      b !== undefined &&
      want.every((f) => typeof b[f] === 'string') &&
      Object.keys(b).every((k) => want.includes(k) || optional.includes(k));
    const at = new Date().toISOString();
    if (method === 'POST' && path === '/api/v1/organizations') {
      if (!fields(['name'], ['budget'])) return [400, { error: 'bad organization body' }];
      const org = { id: id('org-'), name: b?.['name'], budget_id: 'b1', created_at: at };
      this.orgs.set(org.id, b);
      return [201, org];
    }
    if (method === 'POST' && path === '/api/v1/users') {
      if (!fields(['name', 'email', 'organization_id'])) return [400, { error: 'bad user body' }];
      const orgId = String(b?.['organization_id']);
      if (!this.orgs.has(orgId)) return [404, { error: 'organization not found' }];
      const user = {
        id: id('user-'),
        name: b?.['name'],
        email: b?.['email'],
        organization_id: orgId,
        created_at: at,
      };
      this.users.set(user.id, user);
      return [201, user];
    }
    if (method === 'POST' && path === '/api/v1/api-keys') {
      if (!fields(['name', 'user_id'], ['expires_at'])) return [400, { error: 'bad api key body' }];
      const expires = b?.['expires_at'];
      if (expires !== undefined && !RFC3339_SECONDS.test(String(expires)))
        return [400, { error: 'bad expires_at' }];
      if (!this.users.has(String(b?.['user_id']))) return [404, { error: 'user not found' }];
      const key = {
        id: id('key-'),
        name: b?.['name'],
        key: `aas-key-${String(this.n)}-${Math.random().toString(36).slice(2)}`,
        user_id: b?.['user_id'],
        created_at: at,
        expires_at: expires ?? null,
      };
      this.keys.set(key.id, key);
      this.issued.push(key.key);
      return [201, key];
    }
    const del = /^\/api\/v1\/(organizations|users|api-keys)\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && del) {
      const store = { organizations: this.orgs, users: this.users, 'api-keys': this.keys }[del[1] as 'users'];
      return store.delete(decodeURIComponent(del[2] ?? ''))
        ? [204, undefined]
        : [404, { error: 'not found' }];
    }
    return [404, { error: `no route ${method} ${path}` }];
  }

  private answer(res: ServerResponse, status: number, body: unknown): void {
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

const server = new FakeAiAas();
let target: AiAasBootstrapTarget;

beforeAll(async () => {
  await server.start();
  target = new AiAasBootstrapTarget({ url: server.url, adminApiKey: ADMIN_KEY, timeoutMs: 2000 });
});
afterEach(() => server.reset());
afterAll(async () => {
  await target.close();
  await server.close();
});

const plan = (over: Partial<TenantPlan> = {}): TenantPlan => ({
  orgCount: 2,
  orgPrefix: 'aas-org',
  usersPerOrg: 2,
  userPrefix: 'aas-user',
  keysPerUser: 2,
  keyPrefix: 'aas-key',
  expiryDays: 2,
  ...over,
});

describe('BootstrapTarget conformance: ai-aas (fake server)', () => {
  let n = 0;
  for (const c of TARGET_CONFORMANCE_CASES) {
    it(c.name, () => c.run(target, { prefix: `conf-${String(++n)}`, secrets: [ADMIN_KEY] }));
  }
});

describe('AiAasBootstrapTarget', () => {
  it('speaks the contract: paths, methods, bodies, Bearer admin key, RFC 3339 expiry, budget', async () => {
    const now = new Date('2030-01-01T00:00:00.250Z');
    const budget = { limitUSD: 40, dailyUSD: 5, warnAtUSD: 30, enableAlerts: true };
    const tenants = await bootstrapTenants(target, plan({ budget }), { now: () => now });
    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(2 + 4 + 8);
    for (const r of server.requests) {
      expect(r.authorization).toBe(`Bearer ${ADMIN_KEY}`);
      expect(r.contentType).toBe('application/json');
    }
    const orgBodies = posts.filter((r) => r.path === '/api/v1/organizations').map((r) => r.body);
    expect(orgBodies).toEqual(
      expect.arrayContaining([
        { name: 'aas-org-1', budget: { limit_usd: 40, daily_usd: 5, warn_at_usd: 30, enable_alerts: true } },
        { name: 'aas-org-2', budget: { limit_usd: 40, daily_usd: 5, warn_at_usd: 30, enable_alerts: true } },
      ]),
    );
    const org1 = tenants.orgs[0];
    expect(posts).toContainEqual(
      expect.objectContaining({
        path: '/api/v1/users',
        body: { name: 'aas-user-1-2', email: 'aas-user-1-2@loadtest.example.com', organization_id: org1?.id },
      }),
    );
    const user = org1?.users[1];
    expect(posts).toContainEqual(
      expect.objectContaining({
        path: '/api/v1/api-keys',
        body: { name: 'aas-key-aas-user-1-2-2', user_id: user?.id, expires_at: '2030-01-03T00:00:00Z' },
      }),
    );
    // Keys as the server issued them, all of them.
    expect(user?.keys.map((k) => k.key)).toEqual(user?.keys.map((k) => server.keys.get(k.id)?.key));

    server.reset();
    const report = await cleanupTenants(target, tenants);
    expect(report.failures).toEqual([]);
    const deletes = server.requests.map((r) => `${r.method} ${r.path.replace(/\/[^/]+$/, '')}`);
    expect(deletes).toEqual([
      ...Array<string>(8).fill('DELETE /api/v1/api-keys'),
      ...Array<string>(4).fill('DELETE /api/v1/users'),
      ...Array<string>(2).fill('DELETE /api/v1/organizations'),
    ]);
    expect(server.requests.map((r) => r.path)).toContain(`/api/v1/users/${user?.id ?? ''}`);
    expect(server.requests.every((r) => r.body === undefined)).toBe(true);
    expect(server.orgs.size + server.users.size + server.keys.size).toBe(0);
  });

  it('sends no budget unless limitUSD > 0, and no expires_at for expiryDays 0', async () => {
    const t = await bootstrapTenants(
      target,
      plan({
        orgCount: 1,
        usersPerOrg: 1,
        keysPerUser: 1,
        expiryDays: 0,
        budget: { limitUSD: 0, warnAtUSD: 3 },
      }),
    );
    expect(server.requests.map((r) => r.body)).toEqual([
      { name: 'aas-org-1' },
      { name: 'aas-user-1-1', email: 'aas-user-1-1@loadtest.example.com', organization_id: t.orgs[0]?.id },
      { name: 'aas-key-aas-user-1-1-1', user_id: t.orgs[0]?.users[0]?.id },
    ]);
    await cleanupTenants(target, t);
  });

  it('writes expiry in RFC 3339 to the second, in UTC', () => {
    expect(rfc3339(new Date('2031-06-30T23:59:59.999Z'))).toBe('2031-06-30T23:59:59Z');
  });

  it('retries a 503 after its Retry-After, then carries on', async () => {
    server.faults.push({
      when: (m, p) => m === 'POST' && p === '/api/v1/users',
      status: 503,
      headers: { 'retry-after': '1' },
      body: '{"error":"maintenance"}',
    });
    const started = performance.now();
    const t = await bootstrapTenants(target, plan({ orgCount: 1, usersPerOrg: 1, keysPerUser: 1 }), {
      backoffMs: 1,
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(t.created).toEqual({ orgs: 1, users: 1, keys: 1 });
    expect(server.requests.filter((r) => r.path === '/api/v1/users')).toHaveLength(2);
    await cleanupTenants(target, t);
  });

  it('fails at once on a 409 with the server’s message, after deleting what it had created', async () => {
    let users = 0;
    server.faults.push({
      when: (m, p) => m === 'POST' && p === '/api/v1/users' && ++users === 3,
      status: 409,
      body: '{"error":"user already exists","code":"conflict"}',
    });
    const err = (await bootstrapTenants(target, plan({ orgCount: 1, usersPerOrg: 3 }), {
      concurrency: 1,
    }).catch((e: unknown) => e)) as BootstrapError;
    expect(err).toBeInstanceOf(BootstrapError);
    expect(err.message).toBe(
      'could not create user "aas-user-1-3" of organization "aas-org-1" on the ai-aas target: ' +
        'POST /api/v1/users: HTTP 409: user already exists (conflict)',
    );
    expect(server.requests.filter((r) => r.path === '/api/v1/users' && r.method === 'POST')).toHaveLength(3);
    expect(server.orgs.size + server.users.size + server.keys.size).toBe(0);
    // One call at a time, in order: the organization and two users existed; no key had been started yet.
    expect(err.cleanup?.deleted).toEqual({ keys: 0, users: 2, orgs: 1 });
  });

  it('never puts the admin key or an issued key in an error message or log line', async () => {
    const wrong = new AiAasBootstrapTarget({
      url: server.url,
      adminApiKey: 'aas-wrong-admin-key-42',
      timeoutMs: 2000,
    });
    const denied = (await wrong.createOrganization({ name: 'x' }).catch((e: unknown) => e)) as BootstrapError;
    await wrong.close();
    expect(denied.code).toBe('http_status');
    expect(denied.status).toBe(401);
    expect(denied.message).toBe('POST /api/v1/organizations: HTTP 401: invalid admin key: Bearer [redacted]');

    // Fail after keys were issued; neither the error nor the log may show them.
    let keys = 0;
    server.faults.push({
      when: (m, p) => m === 'POST' && p === '/api/v1/api-keys' && ++keys === 5,
      status: 400,
      body: JSON.stringify({ error: `rejected; admin ${ADMIN_KEY}` }),
    });
    const lines: string[] = [];
    const err = (await bootstrapTenants(target, plan(), { log: (l) => lines.push(l) }).catch(
      (e: unknown) => e,
    )) as BootstrapError;
    expect(server.issued.length).toBeGreaterThanOrEqual(4);
    const texts = [err.message, String((err.cause as Error).message), ...lines];
    for (const secret of [ADMIN_KEY, ...server.issued])
      for (const t of texts) expect(t).not.toContain(secret);
    expect(err.message).toContain('rejected; admin [redacted]');
  });

  it('rejects a 2xx answer without the documented fields, without quoting the body', async () => {
    server.faults.push({
      when: (m, p) => m === 'POST' && p === '/api/v1/api-keys',
      status: 201,
      body: '{"id":"k9","name":"n","secret":"aas-leaked-secret"}',
    });
    const err = (await target
      .createApiKey({ name: 'n', userId: 'u', organizationId: 'o', expiresAt: null })
      .catch((e: unknown) => e)) as BootstrapError;
    expect(err.code).toBe('invalid_response');
    expect(err.message).toMatch(/^POST \/api\/v1\/api-keys: HTTP 201 with an unexpected body \(key: /);
    expect(err.message).not.toContain('aas-leaked-secret');
  });
});
