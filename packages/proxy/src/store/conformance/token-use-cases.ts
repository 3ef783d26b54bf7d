import { describe, expect, it } from 'vitest';
import type { Store, TokenUse } from '../store.js';
import {
  newProject,
  newToken,
  useMigratedStore,
  type OpenStore,
  type StoreConformanceOptions,
} from './harness.js';

const reasons = (uses: readonly TokenUse[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const use of uses) {
    const key = use.ok ? 'ok' : use.reason;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

export function tokenUseCases(open: OpenStore, options: StoreConformanceOptions): void {
  describe('token use (the per-request check)', () => {
    const store = useMigratedStore(open);

    it('accepts a valid token, counts the request, and returns the token and its project', async () => {
      const project = await newProject(store());
      const token = await newToken(store(), project.id, { maxRequests: 10 });
      const now = new Date();
      const use = await store().useToken(token.tokenHash, now);
      expect(use.ok).toBe(true);
      if (!use.ok) return;
      expect(use.token).toMatchObject({ id: token.id, requestCount: 1, lastUsedAt: now });
      expect(use.project).toEqual(project);
      expect((await store().getToken(token.id))?.requestCount).toBe(1);
    });

    it('reports an unknown token as not_found', async () => {
      expect(await store().useToken('f'.repeat(64), new Date())).toEqual({ ok: false, reason: 'not_found' });
    });

    it('refuses a revoked token on the very next call, without counting it', async () => {
      const project = await newProject(store());
      const token = await newToken(store(), project.id);
      expect((await store().useToken(token.tokenHash, new Date())).ok).toBe(true);
      await store().updateToken(token.id, { isActive: false });
      expect(await store().useToken(token.tokenHash, new Date())).toEqual({ ok: false, reason: 'inactive' });
      expect((await store().getToken(token.id))?.requestCount).toBe(1);
    });

    it('refuses an expired token, including at the instant of expiry', async () => {
      const project = await newProject(store());
      const expiresAt = new Date('2026-03-28T12:00:00.000Z');
      const token = await newToken(store(), project.id, { expiresAt });
      expect((await store().useToken(token.tokenHash, new Date(expiresAt.getTime() - 1))).ok).toBe(true);
      expect(await store().useToken(token.tokenHash, expiresAt)).toEqual({ ok: false, reason: 'expired' });
      expect(await store().useToken(token.tokenHash, new Date('2026-03-29T00:00:00.000Z'))).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect((await store().getToken(token.id))?.requestCount).toBe(1);
    });

    it('refuses every token of a deactivated project, and accepts them again once reactivated', async () => {
      const project = await newProject(store());
      const token = await newToken(store(), project.id);
      await store().updateProject(project.id, { isActive: false });
      expect(await store().useToken(token.tokenHash, new Date())).toEqual({
        ok: false,
        reason: 'project_inactive',
      });
      await store().updateProject(project.id, { isActive: true });
      expect((await store().useToken(token.tokenHash, new Date())).ok).toBe(true);
    });

    it('reports a revoked token as inactive before any other problem', async () => {
      const project = await newProject(store());
      const token = await newToken(store(), project.id, { expiresAt: new Date(0), maxRequests: 1 });
      await store().updateToken(token.id, { isActive: false });
      await store().updateProject(project.id, { isActive: false });
      expect(await store().useToken(token.tokenHash, new Date())).toEqual({ ok: false, reason: 'inactive' });
    });

    it.each([
      ['null', null],
      ['0', 0],
      ['negative', -1],
    ])(
      'always accepts an unlimited token (max_requests %s) and still counts it',
      async (_name, maxRequests) => {
        const project = await newProject(store());
        const token = await newToken(store(), project.id, { maxRequests });
        const uses = await Promise.all(
          Array.from({ length: 25 }, () => store().useToken(token.tokenHash, new Date())),
        );
        expect(reasons(uses)).toEqual({ ok: 25 });
        expect((await store().getToken(token.id))?.requestCount).toBe(25);
      },
    );

    it('accepts exactly max_requests calls, then quota_exceeded without counting', async () => {
      const project = await newProject(store());
      const token = await newToken(store(), project.id, { maxRequests: 3 });
      const uses: TokenUse[] = [];
      for (let i = 0; i < 5; i++) uses.push(await store().useToken(token.tokenHash, new Date()));
      expect(uses.map((u) => (u.ok ? u.token.requestCount : u.reason))).toEqual([
        1,
        2,
        3,
        'quota_exceeded',
        'quota_exceeded',
      ]);
      expect((await store().getToken(token.id))?.requestCount).toBe(3);
    });

    it('accepts an exhausted token again once its limit is raised', async () => {
      const project = await newProject(store());
      const token = await newToken(store(), project.id, { maxRequests: 1 });
      await store().useToken(token.tokenHash, new Date());
      expect(await store().useToken(token.tokenHash, new Date())).toEqual({
        ok: false,
        reason: 'quota_exceeded',
      });
      await store().updateToken(token.id, { maxRequests: 2 });
      expect((await store().useToken(token.tokenHash, new Date())).ok).toBe(true);
    });

    it('lets exactly max_requests of 200 concurrent calls through', async () => {
      const project = await newProject(store());
      const token = await newToken(store(), project.id, { maxRequests: 50 });
      const uses = await Promise.all(
        Array.from({ length: 200 }, () => store().useToken(token.tokenHash, new Date())),
      );
      expect(reasons(uses)).toEqual({ ok: 50, quota_exceeded: 150 });
      expect((await store().getToken(token.id))?.requestCount).toBe(50);
    });
  });

  describe('token use across two connections to one database', () => {
    const { openPair, pairSkipReason = 'the dialect cannot open two connections to one database' } = options;
    if (openPair === undefined) {
      it.skip(`lets exactly max_requests of 200 concurrent calls through (skipped: ${pairSkipReason})`, () => {});
      return;
    }

    it('lets exactly max_requests of 200 concurrent calls through', async () => {
      const [a, b] = await openPair();
      try {
        await a.migrate();
        await b.migrate();
        const project = await newProject(a);
        const token = await newToken(a, project.id, { maxRequests: 50 });
        const stores: Store[] = [a, b];
        const uses = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            (stores[i % 2] as Store).useToken(token.tokenHash, new Date()),
          ),
        );
        expect(reasons(uses)).toEqual({ ok: 50, quota_exceeded: 150 });
        expect((await a.getToken(token.id))?.requestCount).toBe(50);
        expect((await b.getToken(token.id))?.requestCount).toBe(50);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('sees a revocation made through the other connection on the very next call', async () => {
      const [a, b] = await openPair();
      try {
        await a.migrate();
        const project = await newProject(a);
        const token = await newToken(a, project.id);
        expect((await b.useToken(token.tokenHash, new Date())).ok).toBe(true);
        await a.updateToken(token.id, { isActive: false });
        expect(await b.useToken(token.tokenHash, new Date())).toEqual({ ok: false, reason: 'inactive' });
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}
