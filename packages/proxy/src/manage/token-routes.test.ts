import { generateEncryptionKey, hashToken, isTokenFormat, parseEncryptionKey } from '../crypto/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  startManagementTestServer,
  type ManagementTestServer,
} from './management-test-server.test-support.js';
import type { TokenWire } from './wire-views.js';

const NOW = new Date('2025-06-01T12:00:00.000Z');

describe('tokens', () => {
  let server: ManagementTestServer;
  let projectId: string;

  beforeAll(async () => {
    server = await startManagementTestServer({
      encryptionKey: parseEncryptionKey(generateEncryptionKey()),
      now: () => NOW,
    });
    projectId = await newProject('tokens-main');
  });
  afterAll(async () => {
    await server.close();
  });

  async function newProject(name: string): Promise<string> {
    const res = await callApi(server, 'POST', '/manage/projects', {
      body: { name, api_key: 'sk-upstream-key-0123456789' },
    });
    return (res.body as { id: string }).id;
  }

  async function generate(body: Record<string, unknown>): Promise<TokenWire> {
    const res = await callApi(server, 'POST', '/manage/tokens', {
      body: { project_id: projectId, duration_minutes: 60, ...body },
    });
    expect(res.status).toBe(201);
    return res.body as TokenWire;
  }

  describe('generation', () => {
    it('returns the clear token once, expiring duration_minutes from now', async () => {
      const token = await generate({ duration_minutes: 90, max_requests: 5 });
      expect(isTokenFormat(token.token)).toBe(true);
      expect(token).toMatchObject({
        project_id: projectId,
        is_active: true,
        request_count: 0,
        max_requests: 5,
      });
      expect(token.expires_at).toBe('2025-06-01T13:30:00.000Z');
      const listed = await callApi(server, 'GET', `/manage/tokens/${token.id}`);
      expect((listed.body as TokenWire).token).toBe(
        `sk-${token.token.slice(3, 7)}${'*'.repeat(14)}${token.token.slice(-4)}`,
      );
      expect(listed.text).not.toContain(token.token);
    });

    it('stores only the hash of the token when an encryption key is configured', async () => {
      const token = await generate({});
      const stored = await server.store.getToken(token.id);
      expect(stored?.tokenHash).toBe(hashToken(token.token));
      expect((await server.store.useToken(hashToken(token.token), NOW)).ok).toBe(true);
    });

    it('treats max_requests 0 or absent as unlimited (stored as null, answered as 0)', async () => {
      for (const body of [{ max_requests: 0 }, {}]) {
        const token = await generate(body);
        expect(token.max_requests).toBe(0);
        expect((await server.store.getToken(token.id))?.maxRequests).toBeNull();
      }
    });

    it.each([
      [{}, 'project_id and duration_minutes are required'],
      [{ project_id: 'p' }, 'project_id and duration_minutes are required'],
      [{ project_id: 'p', duration_minutes: 0 }, 'project_id and duration_minutes are required'],
      [{ duration_minutes: 10 }, 'project_id is required'],
      [{ project_id: 'p', duration_minutes: 525_601 }, 'duration_minutes exceeds maximum allowed'],
      [{ project_id: 'p', duration_minutes: 10, max_requests: -1 }, 'max_requests must be >= 0'],
      [{ project_id: 'p', duration_minutes: 1.5 }, 'invalid request body'],
      [{ project_id: 'p', duration_minutes: '10' }, 'invalid request body'],
    ])('rejects %j with 400 "%s"', async (body, error) => {
      const res = await callApi(server, 'POST', '/manage/tokens', { body });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error });
    });

    it('accepts the bounds 1 and 525600 minutes', async () => {
      expect((await generate({ duration_minutes: 1 })).expires_at).toBe('2025-06-01T12:01:00.000Z');
      expect((await generate({ duration_minutes: 525_600 })).expires_at).toBe('2026-06-01T12:00:00.000Z');
    });

    it('answers 404 for an unknown project', async () => {
      const res = await callApi(server, 'POST', '/manage/tokens', {
        body: { project_id: 'nope', duration_minutes: 5 },
      });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'project not found' });
    });

    it('refuses tokens for an inactive project with 403 project_inactive', async () => {
      const inactive = await newProject('tokens-inactive');
      await callApi(server, 'PATCH', `/manage/projects/${inactive}`, { body: { is_active: false } });
      const res = await callApi(server, 'POST', '/manage/tokens', {
        body: { project_id: inactive, duration_minutes: 5 },
      });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        error: 'cannot create tokens for inactive projects',
        code: 'project_inactive',
        message: 'cannot create tokens for inactive projects',
      });
      expect(await server.store.listTokens(inactive)).toEqual([]);
    });
  });

  describe('listing', () => {
    it('filters by ?projectId= and lists newest first, obfuscated', async () => {
      const other = await newProject('tokens-list');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await callApi(server, 'POST', '/manage/tokens', {
          body: { project_id: other, duration_minutes: 5 },
        });
        ids.push((res.body as TokenWire).id);
      }
      const res = await callApi(server, 'GET', `/manage/tokens?projectId=${other}`);
      const tokens = res.body as TokenWire[];
      expect(tokens.map((t) => t.project_id)).toEqual([other, other, other]);
      expect(new Set(tokens.map((t) => t.id))).toEqual(new Set(ids));
      for (const t of tokens) expect(t.token).toMatch(/^sk-.{4}\*{14}.{4}$/);
    });

    it('accepts ?project_id= too instead of silently listing every project', async () => {
      const mine = await newProject('tokens-snake');
      await callApi(server, 'POST', '/manage/tokens', { body: { project_id: mine, duration_minutes: 5 } });
      const res = await callApi(server, 'GET', `/manage/tokens?project_id=${mine}`);
      expect((res.body as TokenWire[]).map((t) => t.project_id)).toEqual([mine]);
    });

    it("honours the spec's activeOnly filter", async () => {
      const other = await newProject('tokens-active-only');
      const a = await callApi(server, 'POST', '/manage/tokens', {
        body: { project_id: other, duration_minutes: 5 },
      });
      await callApi(server, 'POST', '/manage/tokens', { body: { project_id: other, duration_minutes: 5 } });
      await callApi(server, 'DELETE', `/manage/tokens/${(a.body as TokenWire).id}`);
      const all = await callApi(server, 'GET', `/manage/tokens?projectId=${other}`);
      const active = await callApi(server, 'GET', `/manage/tokens?projectId=${other}&activeOnly=true`);
      expect((all.body as TokenWire[]).length).toBe(2);
      expect((active.body as TokenWire[]).map((t) => t.is_active)).toEqual([true]);
    });
  });

  describe('update and revocation', () => {
    it('updates max_requests and is_active, 0 meaning unlimited', async () => {
      const token = await generate({ max_requests: 3 });
      const res = await callApi(server, 'PATCH', `/manage/tokens/${token.id}`, {
        body: { max_requests: 10, is_active: false },
      });
      expect(res.body).toMatchObject({ max_requests: 10, is_active: false });
      const unlimited = await callApi(server, 'PATCH', `/manage/tokens/${token.id}`, {
        body: { max_requests: 0 },
      });
      expect(unlimited.body).toMatchObject({ max_requests: 0 });
      expect((await server.store.getToken(token.id))?.maxRequests).toBeNull();
    });

    it('keeps request_count: an update never rewrites usage', async () => {
      const token = await generate({ max_requests: 3 });
      await server.store.useToken(hashToken(token.token), NOW);
      const res = await callApi(server, 'PATCH', `/manage/tokens/${token.id}`, { body: { max_requests: 4 } });
      expect(res.body).toMatchObject({ request_count: 1, max_requests: 4 });
    });

    it.each([
      [{}, 'no fields to update'],
      [{ max_requests: -5 }, 'max_requests must be >= 0'],
      [{ is_active: 'no' }, 'invalid request body'],
    ])('rejects %j with 400 "%s"', async (body, error) => {
      const token = await generate({});
      const res = await callApi(server, 'PATCH', `/manage/tokens/${token.id}`, { body });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error });
    });

    it('revokes with 204, also when already revoked, and the token stops working', async () => {
      const token = await generate({});
      expect((await callApi(server, 'DELETE', `/manage/tokens/${token.id}`)).status).toBe(204);
      expect((await callApi(server, 'DELETE', `/manage/tokens/${token.id}`)).status).toBe(204);
      expect(await server.store.useToken(hashToken(token.token), NOW)).toEqual({
        ok: false,
        reason: 'inactive',
      });
    });

    it.each([['GET'], ['PATCH'], ['DELETE']])(
      'answers %s of an unknown token with 404 "token not found"',
      async (method) => {
        const res = await callApi(
          server,
          method,
          '/manage/tokens/nope',
          method === 'PATCH' ? { body: { is_active: true } } : {},
        );
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ error: 'token not found', code: 'token_not_found' });
      },
    );
  });
});

describe('tokens without an encryption key', () => {
  it('still stores only the hash of the token (never the token in clear)', async () => {
    const server = await startManagementTestServer();
    try {
      const project = await callApi(server, 'POST', '/manage/projects', {
        body: { name: 'p', api_key: 'sk-upstream-key-0123456789' },
      });
      const res = await callApi(server, 'POST', '/manage/tokens', {
        body: { project_id: (project.body as { id: string }).id, duration_minutes: 5 },
      });
      const token = res.body as TokenWire;
      const stored = (await server.store.getToken(token.id))?.tokenHash;
      expect(stored).toBe(hashToken(token.token));
      expect(stored).not.toContain(token.token.slice(3));
    } finally {
      await server.close();
    }
  });
});
