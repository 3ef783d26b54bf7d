import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  startManagementTestServer,
  type ManagementTestServer,
} from './management-test-server.test-support.js';
import type { AuditEventWire, TokenWire } from './wire-views.js';

interface AuditPage {
  events: AuditEventWire[];
  pagination: {
    page: number;
    page_size: number;
    total_count: number;
    total_pages: number;
    has_next: boolean;
    has_prev: boolean;
  };
}

const API_KEY = 'sk-upstream-secret-key-0123456789';

describe('audit log', () => {
  let server: ManagementTestServer;
  let projectId: string;
  let token: TokenWire;

  beforeAll(async () => {
    server = await startManagementTestServer();
    const project = await callApi(server, 'POST', '/manage/projects', {
      body: { name: 'audited', api_key: API_KEY },
      headers: {
        'x-request-id': 'req-create-project',
        'x-forwarded-user-agent': 'admin-browser/1.0',
        'x-admin-origin': '1',
      },
    });
    projectId = (project.body as { id: string }).id;
    const created = await callApi(server, 'POST', '/manage/tokens', {
      body: { project_id: projectId, duration_minutes: 5 },
      headers: { 'x-request-id': 'req-create-token' },
    });
    token = created.body as TokenWire;
    await server.flushAudit();
  });
  afterAll(async () => {
    await server.close();
  });

  async function audit(query: string): Promise<AuditPage> {
    const res = await callApi(server, 'GET', `/manage/audit${query}`);
    expect(res.status).toBe(200);
    return res.body as AuditPage;
  }

  describe('what is recorded', () => {
    it("records each action with the client's request id, actor and request details", async () => {
      const page = await audit('?request_id=req-create-project');
      expect(page.events).toHaveLength(1);
      expect(page.events[0]).toMatchObject({
        action: 'project.create',
        actor: 'management_api',
        outcome: 'success',
        project_id: projectId,
        method: 'POST',
        path: '/manage/projects',
        user_agent: 'admin-browser/1.0',
        client_ip: '127.0.0.1',
      });
      expect(JSON.parse(page.events[0]?.metadata ?? '{}')).toMatchObject({
        project_name: 'audited',
        origin: 'admin-ui',
      });
    });

    it('records the token id, never the token or the upstream key', async () => {
      const page = await audit('?request_id=req-create-token');
      expect(page.events[0]).toMatchObject({
        action: 'token.create',
        token_id: token.id,
        project_id: projectId,
      });
      const everything = JSON.stringify(await server.store.queryAudit({ page: 1, pageSize: 100 }));
      expect(everything).not.toContain(token.token);
      expect(everything).not.toContain(API_KEY);
    });

    it('records failures with the error as reason', async () => {
      await callApi(server, 'POST', '/manage/tokens', {
        body: { project_id: projectId, duration_minutes: 0 },
        headers: { 'x-request-id': 'req-bad-token' },
      });
      await server.flushAudit();
      const page = await audit('?request_id=req-bad-token');
      expect(page.events[0]).toMatchObject({
        action: 'token.create',
        outcome: 'failure',
        reason: 'project_id and duration_minutes are required',
        project_id: projectId,
      });
    });

    it.each([
      ['GET', '/manage/projects', 'project.list'],
      ['GET', '/manage/tokens', 'token.list'],
      ['DELETE', '/manage/projects/{project}', 'project.delete'],
      ['POST', '/manage/projects/{project}/tokens/revoke', 'token.revoke_batch'],
      ['GET', '/manage/audit', 'audit.list'],
    ])('records %s %s as %s', async (method, template, action) => {
      const requestId = `req-${action}`;
      await callApi(server, method, template.replace('{project}', projectId), {
        headers: { 'x-request-id': requestId },
      });
      await server.flushAudit();
      const page = await audit(`?request_id=${requestId}`);
      expect(page.events.map((e) => e.action)).toEqual([action]);
    });
  });

  describe('query', () => {
    it('paginates newest first with a pagination object', async () => {
      const all = await audit('?page_size=100');
      const total = all.pagination.total_count;
      expect(total).toBeGreaterThan(4);
      const second = await audit('?page=2&page_size=2');
      expect(second.pagination).toEqual({
        page: 2,
        page_size: 2,
        total_count: expect.any(Number) as unknown,
        total_pages: Math.ceil(second.pagination.total_count / 2),
        has_next: second.pagination.total_count > 4,
        has_prev: true,
      });
      const times = all.events.map((e) => Date.parse(e.timestamp));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it('caps page_size at 100 and defaults it to 20', async () => {
      expect((await audit('?page_size=1000')).pagination.page_size).toBe(100);
      expect((await audit('')).pagination.page_size).toBe(20);
      expect((await audit('?page_size=0')).pagination.page_size).toBe(20);
    });

    it('answers a page past the end with no events', async () => {
      const page = await audit('?page=999');
      expect(page.events).toEqual([]);
      expect(page.pagination).toMatchObject({ page: 999, has_next: false, has_prev: true });
    });

    it('filters by action, outcome and project', async () => {
      const page = await audit(`?action=token.create&outcome=failure&project_id=${projectId}`);
      expect(page.events.length).toBeGreaterThan(0);
      for (const e of page.events)
        expect(e).toMatchObject({ action: 'token.create', outcome: 'failure', project_id: projectId });
    });

    it('searches across fields', async () => {
      const page = await audit('?search=req-create-tok');
      expect(page.events.map((e) => e.request_id)).toEqual(['req-create-token']);
    });

    it('filters by time range', async () => {
      const future = await audit('?start_time=2999-01-01T00:00:00Z');
      expect(future.events).toEqual([]);
      const past = await audit('?end_time=2000-01-01');
      expect(past.events).toEqual([]);
      const now = await audit(
        `?start_time=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`,
      );
      expect(now.events.length).toBeGreaterThan(0);
    });

    it.each([['?start_time=yesterday'], ['?end_time=2025-13-45T00:00:00Z'], ['?outcome=maybe']])(
      'rejects %s with 400',
      async (q) => {
        const res = await callApi(server, 'GET', `/manage/audit${q}`);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ error: 'invalid query parameter', code: 'invalid_query' });
      },
    );
  });

  describe('single event', () => {
    it('shows an event by id', async () => {
      const page = await audit('?request_id=req-create-token');
      const id = page.events[0]?.id ?? '';
      const res = await callApi(server, 'GET', `/manage/audit/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(page.events[0]);
    });

    it('answers 404 "audit event not found" for an unknown id', async () => {
      const res = await callApi(server, 'GET', '/manage/audit/nope');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'audit event not found' });
    });
  });
});
