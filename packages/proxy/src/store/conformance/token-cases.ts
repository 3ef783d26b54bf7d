import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StoreConstraintError } from '../store-errors.js';
import { newProject, newToken, sleep, useMigratedStore, type OpenStore } from './harness.js';

export function tokenCases(open: OpenStore): void {
  describe('tokens', () => {
    const store = useMigratedStore(open);

    it('creates an active, unused token and reads it back unchanged', async () => {
      const project = await newProject(store());
      const expiresAt = new Date('2030-01-02T03:04:05.678Z');
      const created = await store().createToken({
        id: 't-1',
        tokenHash: 'a'.repeat(64),
        obfuscated: 'sk-AbCd**************WxYz',
        projectId: project.id,
        expiresAt,
        maxRequests: 10,
      });
      expect(created).toMatchObject({
        id: 't-1',
        tokenHash: 'a'.repeat(64),
        obfuscated: 'sk-AbCd**************WxYz',
        projectId: project.id,
        expiresAt,
        isActive: true,
        deactivatedAt: null,
        requestCount: 0,
        maxRequests: 10,
        lastUsedAt: null,
        cacheHitCount: 0,
      });
      expect(await store().getToken('t-1')).toEqual(created);
    });

    it('keeps a token without expiry or limit as null', async () => {
      const project = await newProject(store());
      const token = await newToken(store(), project.id, { expiresAt: null, maxRequests: null });
      expect(await store().getToken(token.id)).toMatchObject({ expiresAt: null, maxRequests: null });
    });

    it('returns undefined for an unknown token', async () => {
      expect(await store().getToken('nope')).toBeUndefined();
      expect(await store().updateToken('nope', { isActive: false })).toBeUndefined();
    });

    it('refuses a token for a project that does not exist', async () => {
      const attempt = newToken(store(), 'no-such-project');
      await expect(attempt).rejects.toBeInstanceOf(StoreConstraintError);
      await expect(newToken(store(), 'no-such-project')).rejects.toMatchObject({ constraint: 'foreign_key' });
    });

    it('refuses a token for an inactive project, in the insert itself', async () => {
      const project = await newProject(store());
      await store().updateProject(project.id, { isActive: false });
      await expect(newToken(store(), project.id)).rejects.toMatchObject({
        constraint: 'inactive',
        subject: 'tokens.project_id',
      });
      expect(await store().listTokens(project.id)).toEqual([]);
    });

    it('refuses a second token with the same hash', async () => {
      const project = await newProject(store());
      const first = await newToken(store(), project.id);
      const duplicate = store().createToken({
        id: randomUUID(),
        tokenHash: first.tokenHash,
        obfuscated: first.obfuscated,
        projectId: project.id,
        expiresAt: null,
        maxRequests: null,
      });
      await expect(duplicate).rejects.toMatchObject({ constraint: 'unique', subject: 'tokens.token' });
    });

    it('lists tokens newest first, all or by project', async () => {
      const a = await newProject(store());
      const b = await newProject(store());
      const t1 = await newToken(store(), a.id);
      await sleep(5);
      const t2 = await newToken(store(), b.id);
      await sleep(5);
      const t3 = await newToken(store(), a.id);
      expect((await store().listTokens()).map((t) => t.id)).toEqual([t3.id, t2.id, t1.id]);
      expect((await store().listTokens(a.id)).map((t) => t.id)).toEqual([t3.id, t1.id]);
      expect(await store().listTokens('no-such-project')).toEqual([]);
    });

    it('revokes with a deactivatedAt stamp and re-activates without one', async () => {
      const project = await newProject(store());
      const token = await newToken(store(), project.id);
      const revoked = await store().updateToken(token.id, { isActive: false });
      expect(revoked).toMatchObject({ isActive: false });
      expect(revoked?.deactivatedAt).toBeInstanceOf(Date);
      expect(await store().updateToken(token.id, { isActive: true })).toMatchObject({
        isActive: true,
        deactivatedAt: null,
      });
    });

    it('changes max_requests without touching request_count', async () => {
      const project = await newProject(store());
      const token = await newToken(store(), project.id, { maxRequests: 5 });
      await store().useToken(token.tokenHash, new Date());
      await store().useToken(token.tokenHash, new Date());
      const updated = await store().updateToken(token.id, { maxRequests: 100 });
      expect(updated).toMatchObject({ maxRequests: 100, requestCount: 2 });
      expect(await store().updateToken(token.id, { maxRequests: null })).toMatchObject({ maxRequests: null });
    });

    it('returns the token unchanged for an empty patch', async () => {
      const project = await newProject(store());
      const { clear: _clear, ...token } = await newToken(store(), project.id);
      expect(await store().updateToken(token.id, {})).toEqual(token);
    });

    describe('revoking every token of a project', () => {
      it('counts revoked, already revoked and total, and leaves other projects alone', async () => {
        const project = await newProject(store());
        const other = await newProject(store());
        const [t1, t2, t3] = [
          await newToken(store(), project.id),
          await newToken(store(), project.id),
          await newToken(store(), project.id),
        ];
        const bystander = await newToken(store(), other.id);
        await store().updateToken(t3.id, { isActive: false });

        expect(await store().revokeProjectTokens(project.id)).toEqual({
          revoked: 2,
          alreadyRevoked: 1,
          total: 3,
        });
        for (const t of [t1, t2, t3]) {
          const after = await store().getToken(t.id);
          expect(after?.isActive).toBe(false);
          expect(after?.deactivatedAt).toBeInstanceOf(Date);
        }
        expect((await store().getToken(bystander.id))?.isActive).toBe(true);
      });

      it('reports everything as already revoked the second time', async () => {
        const project = await newProject(store());
        await newToken(store(), project.id);
        await newToken(store(), project.id);
        await store().revokeProjectTokens(project.id);
        expect(await store().revokeProjectTokens(project.id)).toEqual({
          revoked: 0,
          alreadyRevoked: 2,
          total: 2,
        });
      });

      it('reports zeros for a project without tokens', async () => {
        expect(await store().revokeProjectTokens('no-such-project')).toEqual({
          revoked: 0,
          alreadyRevoked: 0,
          total: 0,
        });
      });
    });
  });
}
