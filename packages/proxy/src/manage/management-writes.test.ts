import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TokenGate } from '../auth/token-gate.js';
import { hashToken } from '../crypto/index.js';
import {
  callApi,
  startManagementTestServer,
  type ManagementTestServer,
} from './management-test-server.test-support.js';
import type { AuditEventWire, TokenWire } from './wire-views.js';

/*
 * Management writes together with the request path's token gate, wired as the gateway wires them (`onChange`
 * invalidates, `flushUses` writes a token's pending uses), over a real SQLite store.
 */

const API_KEY = 'sk-upstream-secret-key-0123456789';

describe('management writes and the token gate', () => {
  let server: ManagementTestServer;
  let gate: TokenGate;
  let names = 0;

  beforeEach(async () => {
    server = await startManagementTestServer({ tokenGate: true });
    if (!server.gate) throw new Error('the test server was started without its token gate');
    gate = server.gate;
  });
  afterEach(async () => {
    await server.close();
  });

  async function newProject(): Promise<string> {
    const res = await callApi(server, 'POST', '/manage/projects', {
      body: { name: `writes-${String(++names)}`, api_key: API_KEY },
    });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  }

  async function newToken(projectId: string): Promise<TokenWire & { hash: string }> {
    const res = await callApi(server, 'POST', '/manage/tokens', {
      body: { project_id: projectId, duration_minutes: 60 },
    });
    expect(res.status).toBe(201);
    const token = res.body as TokenWire;
    return { ...token, hash: hashToken(token.token) };
  }

  async function auditOf(action: string, projectId: string): Promise<AuditEventWire[]> {
    await server.flushAudit();
    const res = await callApi(server, 'GET', `/manage/audit?action=${action}&project_id=${projectId}`);
    return (res.body as { events: AuditEventWire[] }).events;
  }

  describe('giving an unlimited token a max_requests limit', () => {
    it('counts the uses admitted in memory and not yet written', async () => {
      const token = await newToken(await newProject());
      for (let i = 0; i < 3; i++) expect((await gate.check(token.hash)).ok).toBe(true);

      const patched = await callApi(server, 'PATCH', `/manage/tokens/${token.id}`, {
        body: { max_requests: 4 },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ request_count: 3, max_requests: 4 });
      expect((await gate.check(token.hash)).ok).toBe(true);
      expect(await gate.check(token.hash)).toEqual({ ok: false, reason: 'quota_exceeded' });
    });
  });

  describe('deactivating a project with revoke_tokens', () => {
    it('drops cached tokens even when revoking fails after the project was updated', async () => {
      const projectId = await newProject();
      const token = await newToken(projectId);
      expect((await gate.check(token.hash)).ok).toBe(true); // now cached
      server.store.revokeProjectTokens = () => Promise.reject(new Error('disk I/O error'));

      const res = await callApi(server, 'PATCH', `/manage/projects/${projectId}`, {
        body: { is_active: false, revoke_tokens: true },
      });
      expect(res.status).toBe(500);
      expect(gate.checkCached(token.hash)).toBeUndefined();
      expect(await gate.check(token.hash)).toEqual({ ok: false, reason: 'project_inactive' });
    });

    it('leaves no active token created concurrently for the deactivated project', async () => {
      const projectId = await newProject();
      const { store } = server;
      const getProject = store.getProject.bind(store);
      // The token request reads the active project; a PATCH deactivating it (and revoking its tokens) lands
      // before the token request inserts.
      store.getProject = async (id) => {
        store.getProject = getProject;
        const seen = await getProject(id);
        await store.updateProject(id, { isActive: false });
        await store.revokeProjectTokens(id);
        return seen;
      };

      const res = await callApi(server, 'POST', '/manage/tokens', {
        body: { project_id: projectId, duration_minutes: 60 },
      });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'project_inactive' });
      expect((await store.listTokens(projectId)).filter((t) => t.isActive)).toEqual([]);
    });
  });

  describe('the audit record of a project update', () => {
    it("lists updated_fields by their wire names, in the original's order", async () => {
      const projectId = await newProject();
      const res = await callApi(server, 'PATCH', `/manage/projects/${projectId}`, {
        body: {
          name: `renamed-${projectId}`,
          api_key: 'sk-another-upstream-key-987654',
          upstream_url: 'http://vllm.internal:8000',
          is_active: false,
        },
      });
      expect(res.status).toBe(200);
      const [event] = await auditOf('project.update', projectId);
      expect(JSON.parse(event?.metadata ?? '{}')).toMatchObject({
        updated_fields: ['name', 'api_key', 'upstream_url', 'is_active', 'deactivated_at'],
      });
    });
  });

  describe('creating a project', () => {
    it('refuses a name of only spaces, as renaming does', async () => {
      const res = await callApi(server, 'POST', '/manage/projects', {
        body: { name: '   ', api_key: API_KEY },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'name_and_api_key_required' });
      expect(await server.store.listProjects()).toEqual([]);
    });
  });
});
