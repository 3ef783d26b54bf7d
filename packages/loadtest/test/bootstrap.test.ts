import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BootstrapError,
  bootstrapTenants,
  cleanupTenants,
  LLMOPS_MAX_TOKEN_MINUTES,
  LlmopsBootstrapTarget,
  TARGET_CONFORMANCE_CASES,
  type TenantPlan,
  type Tenants,
} from '../src/bootstrap/index.js';
import {
  MANAGEMENT_TOKEN,
  startGateway,
  UPSTREAM_KEY,
  type Gateway,
} from '../../proxy/test/gateway-harness.js';

/*
 * Tenant bootstrap against a real `llmops proxy` and simulator on loopback. The simulator demands the upstream
 * key, so a 200 through the gateway proves the project was created with it and the token maps to it.
 */

interface ProjectWire {
  id: string;
  name: string;
  is_active: boolean;
}
interface TokenWire {
  id: string;
  project_id: string;
  expires_at: string | null;
  is_active: boolean;
}

let gw: Gateway;
let target: LlmopsBootstrapTarget;
let runs = 0;

beforeAll(async () => {
  gw = await startGateway({ sim: { apiKey: UPSTREAM_KEY } });
  target = new LlmopsBootstrapTarget({
    url: gw.proxy.url,
    managementToken: MANAGEMENT_TOKEN,
    upstreamApiKey: UPSTREAM_KEY,
    timeoutMs: 10_000,
  });
});
afterAll(async () => {
  await target.close();
  await gw.close();
});

/** Project names are never freed (projects cannot be deleted), so every bootstrap here gets its own prefix. */
const plan = (over: Partial<TenantPlan> = {}): TenantPlan => {
  const run = String(++runs);
  return {
    orgCount: 3,
    orgPrefix: `it${run}-org`,
    usersPerOrg: 4,
    userPrefix: `it${run}-user`,
    keysPerUser: 2,
    keyPrefix: `it${run}-key`,
    expiryDays: 2,
    ...over,
  };
};

async function chat(key: string): Promise<number> {
  const res = await request(`${gw.proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'llm-prod', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
  });
  await res.body.dump();
  return res.statusCode;
}

const keysOf = (t: Tenants) => t.orgs.flatMap((o) => o.users.flatMap((u) => u.keys));

async function tokensOf(projectId: string): Promise<TokenWire[]> {
  const r = await gw.manage<TokenWire[]>('GET', `/manage/tokens?projectId=${encodeURIComponent(projectId)}`);
  expect(r.status).toBe(200);
  return r.body;
}

describe('BootstrapTarget conformance: llmops (real gateway)', () => {
  let n = 0;
  for (const c of TARGET_CONFORMANCE_CASES) {
    it(c.name, () =>
      c.run(target, { prefix: `conf-${String(++n)}`, secrets: [MANAGEMENT_TOKEN, UPSTREAM_KEY] }),
    );
  }
});

describe('bootstrap on the llmops gateway', () => {
  it('creates a project per organization and a working token per key, isolated per project, and cleans up', async () => {
    const started = Date.now();
    const tenants = await bootstrapTenants(target, plan());
    expect(tenants.created).toEqual({ orgs: 3, users: 12, keys: 24 });

    const projects = (await gw.manage<ProjectWire[]>('GET', '/manage/projects')).body;
    for (const org of tenants.orgs) {
      expect(projects).toContainEqual(
        expect.objectContaining({ id: org.id, name: org.name, is_active: true }),
      );
      const tokens = await tokensOf(org.id);
      // Exactly this organization's keys, no other's.
      const mine = org.users.flatMap((u) => u.keys.map((k) => k.id));
      expect(tokens.map((t) => t.id).sort()).toEqual([...mine].sort());
      for (const t of tokens) {
        expect(t.project_id).toBe(org.id);
        expect(t.is_active).toBe(true);
        const expires = Date.parse(t.expires_at ?? '');
        expect(expires).toBeGreaterThanOrEqual(started + 2 * 86_400_000 - 1000);
        expect(expires).toBeLessThanOrEqual(Date.now() + 2 * 86_400_000 + 60_000);
      }
    }

    const keys = keysOf(tenants);
    expect(new Set(keys.map((k) => k.key)).size).toBe(24);
    expect(await Promise.all(keys.map((k) => chat(k.key)))).toEqual(Array<number>(24).fill(200));

    const report = await cleanupTenants(target, tenants);
    expect(report.failures).toEqual([]);
    expect(report.deleted).toEqual({ keys: 24, users: 12, orgs: 3 });
    const after = (await gw.manage<ProjectWire[]>('GET', '/manage/projects')).body;
    for (const org of tenants.orgs) {
      expect(after.find((p) => p.id === org.id)?.is_active).toBe(false);
      expect((await tokensOf(org.id)).every((t) => !t.is_active)).toBe(true);
    }
    expect(await Promise.all(keys.map((k) => chat(k.key)))).toEqual(Array<number>(24).fill(401));
    // Cleaning up twice is harmless: revoking a revoked token and deactivating an inactive project succeed.
    expect((await cleanupTenants(target, tenants)).failures).toEqual([]);
  });

  it('gives keys of expiryDays 0 the gateway’s longest lifetime, one year', async () => {
    const tenants = await bootstrapTenants(
      target,
      plan({ orgCount: 1, usersPerOrg: 1, keysPerUser: 1, expiryDays: 0 }),
    );
    const [token] = await tokensOf(tenants.orgs[0]?.id ?? '');
    const minutes = (Date.parse(token?.expires_at ?? '') - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(LLMOPS_MAX_TOKEN_MINUTES - 2);
    expect(minutes).toBeLessThanOrEqual(LLMOPS_MAX_TOKEN_MINUTES);
    await cleanupTenants(target, tenants);
  });

  it('fails clearly when a project name is taken, deactivates what it made, and leaks no secret', async () => {
    const first = plan({ orgCount: 1, usersPerOrg: 1, keysPerUser: 1 });
    const existing = await bootstrapTenants(target, first);
    const lines: string[] = [];
    const err = (await bootstrapTenants(
      target,
      { ...first, orgCount: 3, usersPerOrg: 2 },
      { log: (l) => lines.push(l) },
    ).catch((e: unknown) => e)) as BootstrapError;
    expect(err).toBeInstanceOf(BootstrapError);
    expect(err.code).toBe('create_failed');
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      `could not create organization "${first.orgPrefix}-1" on the llmops target: POST /manage/projects: HTTP 400: ` +
        'a project with this name already exists (project_name_taken)',
    );
    // The organizations that were made before the failure are deactivated again.
    const projects = (await gw.manage<ProjectWire[]>('GET', '/manage/projects')).body;
    // All three creations started together (concurrency 8): the second and third succeeded, then were undone.
    expect(err.cleanup?.deleted.orgs).toBe(2);
    for (const n of [2, 3]) {
      const p = projects.find((x) => x.name === `${first.orgPrefix}-${String(n)}`);
      expect(p?.is_active).toBe(false);
    }
    const secrets = [MANAGEMENT_TOKEN, UPSTREAM_KEY, ...keysOf(existing).map((k) => k.key)];
    for (const text of [err.message, ...lines]) for (const s of secrets) expect(text).not.toContain(s);
    await cleanupTenants(target, existing);
  });

  it('with reuseInactive, takes back a project left inactive, with a new upstream key, and only that one', async () => {
    const lines: string[] = [];
    const reuse = new LlmopsBootstrapTarget({
      url: gw.proxy.url,
      managementToken: MANAGEMENT_TOKEN,
      upstreamApiKey: UPSTREAM_KEY,
      timeoutMs: 10_000,
      reuseInactive: true,
      reuseFallbackSuffix: 'run-2',
      log: (l) => lines.push(l),
    });
    try {
      const p = plan({ orgCount: 2, usersPerOrg: 1, keysPerUser: 1 });
      // The first run points its projects at another upstream key, and cleans up.
      const stale = new LlmopsBootstrapTarget({
        url: gw.proxy.url,
        managementToken: MANAGEMENT_TOKEN,
        upstreamApiKey: 'sk-an-old-upstream-key-0000',
        timeoutMs: 10_000,
      });
      const first = await bootstrapTenants(stale, p);
      await cleanupTenants(stale, first);
      await stale.close();
      const again = await bootstrapTenants(reuse, p);
      expect(again.orgs.map((o) => o.id).sort()).toEqual(first.orgs.map((o) => o.id).sort());
      expect(lines.filter((l) => /reuses inactive project/.test(l))).toHaveLength(2);
      const projects = (await gw.manage<ProjectWire[]>('GET', '/manage/projects')).body;
      expect(projects.filter((x) => x.name.startsWith(p.orgPrefix))).toHaveLength(2);
      // The new keys work (the simulator demands UPSTREAM_KEY: the project took this run's key); the old stay revoked.
      for (const k of keysOf(again)) expect(await chat(k.key)).toBe(200);
      for (const k of keysOf(first)) expect(await chat(k.key)).toBe(401);
      // A name an active project holds (this run is still going): the next run gets its own, suffixed project.
      lines.length = 0;
      const third = await bootstrapTenants(reuse, p);
      expect(third.orgs.map((o) => o.name).sort()).toEqual([
        `${p.orgPrefix}-1-run-2`,
        `${p.orgPrefix}-2-run-2`,
      ]);
      expect(lines.join('\n')).toMatch(/is active \(another run\?\): organization created as/);
      for (const k of keysOf(third)) expect(await chat(k.key)).toBe(200);
      await cleanupTenants(reuse, third);
      await cleanupTenants(reuse, again);
      // Without reuse, the same name is still an error (the original's behaviour).
      const err = (await target
        .createOrganization({ name: `${p.orgPrefix}-1` })
        .catch((e: unknown) => e)) as BootstrapError;
      expect(err.serverCode).toBe('project_name_taken');
    } finally {
      await reuse.close();
    }
  });

  it('reports a wrong management token without repeating it', async () => {
    const wrong = new LlmopsBootstrapTarget({
      url: gw.proxy.url,
      managementToken: 'not-the-management-token-31337',
      upstreamApiKey: UPSTREAM_KEY,
      timeoutMs: 5000,
    });
    const err = (await bootstrapTenants(wrong, plan({ orgCount: 1 })).catch(
      (e: unknown) => e,
    )) as BootstrapError;
    await wrong.close();
    expect(err.code).toBe('create_failed');
    expect(err.status).toBe(401);
    expect(err.message).toMatch(
      /POST \/manage\/projects: HTTP 401: invalid management token \(invalid_management_token\)$/,
    );
    for (const s of ['not-the-management-token-31337', MANAGEMENT_TOKEN, UPSTREAM_KEY]) {
      expect(err.message).not.toContain(s);
    }
  });

  it('bootstraps 10 organizations × 10 users well within the contract’s 60 s', async () => {
    const tenants = await bootstrapTenants(target, plan({ orgCount: 10, usersPerOrg: 10, keysPerUser: 1 }));
    const report = await cleanupTenants(target, tenants);
    console.log(
      `bootstrap of 10 orgs × 10 users × 1 key on the llmops gateway: ${tenants.durationMs.toFixed(0)} ms; ` +
        `cleanup: ${report.durationMs.toFixed(0)} ms`,
    );
    expect(tenants.created).toEqual({ orgs: 10, users: 100, keys: 100 });
    expect(report.failures).toEqual([]);
    expect(tenants.durationMs).toBeLessThan(60_000);
  });
});
