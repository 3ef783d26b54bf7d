import { generateEncryptionKey, parseEncryptionKey } from '../crypto/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  startManagementTestServer,
  type ManagementTestServer,
} from './management-test-server.test-support.js';
import type { ProjectWire } from './wire-views.js';

const API_KEY = 'sk-upstream-0123456789abcdefXYZ1';

describe('projects', () => {
  let server: ManagementTestServer;
  beforeAll(async () => {
    server = await startManagementTestServer({ encryptionKey: parseEncryptionKey(generateEncryptionKey()) });
  });
  afterAll(async () => {
    await server.close();
  });

  async function create(body: Record<string, unknown>): Promise<ProjectWire> {
    const res = await callApi(server, 'POST', '/manage/projects', { body });
    expect(res.status).toBe(201);
    return res.body as ProjectWire;
  }

  describe('creation', () => {
    it('answers 201 with the key obfuscated, never the plaintext', async () => {
      const res = await callApi(server, 'POST', '/manage/projects', {
        body: { name: 'create-1', api_key: API_KEY },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'create-1',
        api_key: 'sk-upstr...XYZ1',
        is_active: true,
        upstream_url: null,
      });
      expect(res.text).not.toContain(API_KEY);
    });

    it('stores the key encrypted when an encryption key is configured', async () => {
      const project = await create({ name: 'create-2', api_key: API_KEY });
      const stored = await server.store.getProject(project.id);
      expect(stored?.apiKeyStored).toMatch(/^enc:v1:/);
      expect(stored?.apiKeyStored).not.toContain(API_KEY);
    });

    it('accepts a per-project upstream_url and normalises a bare host', async () => {
      const project = await create({
        name: 'create-3',
        api_key: API_KEY,
        upstream_url: 'https://llm.internal:8443/',
      });
      expect(project.upstream_url).toBe('https://llm.internal:8443');
    });

    it.each([
      [{ name: 'x' }, 'name and api_key are required'],
      [{ api_key: API_KEY }, 'name and api_key are required'],
      [{ name: '', api_key: API_KEY }, 'name and api_key are required'],
      [
        { name: 'x', api_key: 'sk-upstr...XYZ1' },
        'cannot save obfuscated API key - please provide the full API key',
      ],
      [{ name: 'x', api_key: 'sk-****' }, 'cannot save obfuscated API key - please provide the full API key'],
      [
        { name: 'x', api_key: API_KEY, upstream_url: 'ftp://files.example' },
        'upstream_url must be an absolute http or https URL',
      ],
      [
        { name: 'x', api_key: API_KEY, upstream_url: 'not a url' },
        'upstream_url must be an absolute http or https URL',
      ],
      [
        { name: 'x', api_key: API_KEY, upstream_url: 'https://u:p@host' },
        'upstream_url must be an absolute http or https URL',
      ],
      [{ name: 42, api_key: API_KEY }, 'invalid request body'],
      ['{"name": "x", ', 'invalid request body'],
      [[1, 2], 'invalid request body'],
    ])('rejects %j with 400 "%s"', async (body, error) => {
      const res = await callApi(server, 'POST', '/manage/projects', { body });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error });
    });

    it("rejects a duplicate name with 400 rather than the original's 500", async () => {
      await create({ name: 'dup', api_key: API_KEY });
      const res = await callApi(server, 'POST', '/manage/projects', {
        body: { name: 'dup', api_key: API_KEY },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'project_name_taken' });
    });

    it('reads the body as JSON whatever its Content-Type, as the original does (curl -d)', async () => {
      const res = await callApi(server, 'POST', '/manage/projects', {
        body: JSON.stringify({ name: 'form-typed', api_key: API_KEY }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(201);
    });
  });

  describe('reading', () => {
    it('lists projects with obfuscated keys', async () => {
      await create({ name: 'list-1', api_key: API_KEY });
      const res = await callApi(server, 'GET', '/manage/projects');
      const listed = (res.body as ProjectWire[]).find((p) => p.name === 'list-1');
      expect(listed?.api_key).toBe('sk-upstr...XYZ1');
      expect(res.text).not.toContain(API_KEY);
    });

    it('answers 404 "project not found" for an unknown id', async () => {
      const res = await callApi(server, 'GET', '/manage/projects/unknown');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'project not found', code: 'project_not_found' });
    });
  });

  describe('update', () => {
    it('changes only what is sent and keeps the key obfuscated in the answer', async () => {
      const project = await create({ name: 'upd-1', api_key: API_KEY, upstream_url: 'http://a.example' });
      const newKey = 'sk-rotated-key-00000000000000ABCD';
      const res = await callApi(server, 'PATCH', `/manage/projects/${project.id}`, {
        body: { api_key: newKey },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'upd-1',
        api_key: 'sk-rotat...ABCD',
        upstream_url: 'http://a.example',
      });
      expect(res.text).not.toContain(newKey);
    });

    it('clears upstream_url with null', async () => {
      const project = await create({ name: 'upd-2', api_key: API_KEY, upstream_url: 'http://a.example' });
      const res = await callApi(server, 'PATCH', `/manage/projects/${project.id}`, {
        body: { upstream_url: null },
      });
      expect(res.body).toMatchObject({ upstream_url: null });
    });

    it('stamps deactivated_at when deactivating and clears it when reactivating', async () => {
      const project = await create({ name: 'upd-3', api_key: API_KEY });
      const off = await callApi(server, 'PATCH', `/manage/projects/${project.id}`, {
        body: { is_active: false },
      });
      expect(off.body).toMatchObject({ is_active: false, deactivated_at: expect.any(String) as unknown });
      const on = await callApi(server, 'PATCH', `/manage/projects/${project.id}`, {
        body: { is_active: true },
      });
      expect(on.body).toMatchObject({ is_active: true });
      expect(on.body).not.toHaveProperty('deactivated_at');
    });

    it("revokes the project's tokens when deactivating with revoke_tokens", async () => {
      const project = await create({ name: 'upd-4', api_key: API_KEY });
      for (let i = 0; i < 2; i++) {
        await callApi(server, 'POST', '/manage/tokens', {
          body: { project_id: project.id, duration_minutes: 5 },
        });
      }
      await callApi(server, 'PATCH', `/manage/projects/${project.id}`, {
        body: { is_active: false, revoke_tokens: true },
      });
      const tokens = await server.store.listTokens(project.id);
      expect(tokens.map((t) => t.isActive)).toEqual([false, false]);
    });

    it('revokes the tokens of a project that is already inactive', async () => {
      const project = await create({ name: 'upd-4b', api_key: API_KEY });
      await callApi(server, 'POST', '/manage/tokens', {
        body: { project_id: project.id, duration_minutes: 5 },
      });
      await callApi(server, 'PATCH', `/manage/projects/${project.id}`, { body: { is_active: false } });
      expect((await server.store.listTokens(project.id)).map((t) => t.isActive)).toEqual([true]);
      await callApi(server, 'PATCH', `/manage/projects/${project.id}`, {
        body: { is_active: false, revoke_tokens: true },
      });
      expect((await server.store.listTokens(project.id)).map((t) => t.isActive)).toEqual([false]);
    });

    it.each([
      [{ revoke_tokens: true }],
      [{ revoke_tokens: true, is_active: true }],
      [{ revoke_tokens: false }],
    ])('rejects %j: revoke_tokens requires is_active=false', async (body) => {
      const project = await create({ name: `upd-rt-${JSON.stringify(body)}`, api_key: API_KEY });
      const res = await callApi(server, 'PATCH', `/manage/projects/${project.id}`, { body });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'revoke_tokens requires is_active=false' });
    });

    it('rejects an empty name', async () => {
      const project = await create({ name: 'upd-5', api_key: API_KEY });
      const res = await callApi(server, 'PATCH', `/manage/projects/${project.id}`, { body: { name: ' ' } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'name_required' });
    });
  });

  describe('deletion', () => {
    it("is refused with 405, Allow: GET, PATCH and the original's body", async () => {
      const project = await create({ name: 'del-1', api_key: API_KEY });
      const res = await callApi(server, 'DELETE', `/manage/projects/${project.id}`);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, PATCH');
      expect(res.body).toEqual({
        error: 'method not allowed',
        code: 'project_deletion_not_allowed',
        message: 'project deletion is not permitted',
      });
      expect(await server.store.getProject(project.id)).toBeDefined();
    });

    it('answers other unsupported verbs with 405 and the Allow list', async () => {
      const res = await callApi(server, 'PUT', '/manage/projects');
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, POST');
      expect(res.body).toMatchObject({ error: 'method not allowed', code: 'method_not_allowed' });
    });
  });

  describe('bulk token revocation', () => {
    it('counts revoked, already revoked and total tokens', async () => {
      const project = await create({ name: 'bulk-1', api_key: API_KEY });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await callApi(server, 'POST', '/manage/tokens', {
          body: { project_id: project.id, duration_minutes: 5 },
        });
        ids.push((res.body as { id: string }).id);
      }
      await callApi(server, 'DELETE', `/manage/tokens/${ids[0] ?? ''}`);
      const first = await callApi(server, 'POST', `/manage/projects/${project.id}/tokens/revoke`);
      expect(first.body).toEqual({ revoked_count: 2, already_revoked_count: 1, total_tokens: 3 });
      const again = await callApi(server, 'POST', `/manage/projects/${project.id}/tokens/revoke`);
      expect(again.body).toEqual({ revoked_count: 0, already_revoked_count: 3, total_tokens: 3 });
    });

    it('answers 404 for an unknown project', async () => {
      const res = await callApi(server, 'POST', '/manage/projects/nope/tokens/revoke');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'project not found' });
    });
  });
});

describe('projects without an encryption key', () => {
  it('stores the key as the original does without ENCRYPTION_KEY, and still answers it obfuscated', async () => {
    const server = await startManagementTestServer();
    try {
      const res = await callApi(server, 'POST', '/manage/projects', {
        body: { name: 'plain', api_key: API_KEY },
      });
      const project = res.body as ProjectWire;
      expect(project.api_key).toBe('sk-upstr...XYZ1');
      expect((await server.store.getProject(project.id))?.apiKeyStored).toBe(API_KEY);
    } finally {
      await server.close();
    }
  });
});
