import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  startManagementTestServer,
  type ManagementTestServer,
} from './management-test-server.test-support.js';
import type { AuditEventWire, TokenWire } from './wire-views.js';

/*
 * How the management API reads its path and query, compared with the original's `net/http` handlers: a repeated
 * query parameter counts by its first value (`Query().Get`), an empty path id is the original's 400, and a time
 * filter that names no real instant is refused rather than moved.
 */

const API_KEY = 'sk-upstream-secret-key-0123456789';

describe('management request parameters', () => {
  let server: ManagementTestServer;
  let projectA: string;
  let projectB: string;

  beforeAll(async () => {
    server = await startManagementTestServer();
    projectA = await newProjectWithToken('params-a');
    projectB = await newProjectWithToken('params-b');
    await server.flushAudit();
  });
  afterAll(async () => {
    await server.close();
  });

  async function newProjectWithToken(name: string): Promise<string> {
    const project = await callApi(server, 'POST', '/manage/projects', { body: { name, api_key: API_KEY } });
    const id = (project.body as { id: string }).id;
    await callApi(server, 'POST', '/manage/tokens', { body: { project_id: id, duration_minutes: 5 } });
    return id;
  }

  describe('a repeated query parameter', () => {
    it('filters tokens by the first projectId, as Go reads it, instead of dropping the filter', async () => {
      const res = await callApi(server, 'GET', `/manage/tokens?projectId=${projectA}&projectId=${projectB}`);
      expect(res.status).toBe(200);
      const projects = (res.body as TokenWire[]).map((t) => t.project_id);
      expect(projects).toEqual([projectA]);
    });

    it('filters the audit log by the first value of each filter', async () => {
      const res = await callApi(
        server,
        'GET',
        '/manage/audit?action=project.create&action=token.create&page_size=100&page_size=1',
      );
      expect(res.status).toBe(200);
      const { events, pagination } = res.body as {
        events: AuditEventWire[];
        pagination: { page_size: number };
      };
      expect(new Set(events.map((e) => e.action))).toEqual(new Set(['project.create']));
      expect(events).toHaveLength(2);
      expect(pagination.page_size).toBe(100);
    });
  });

  describe('an empty id in the path', () => {
    it.each([
      ['GET', '/manage/projects/', 'invalid project id'],
      ['PATCH', '/manage/projects/', 'invalid project id'],
      ['GET', '/manage/tokens/', 'token ID is required'],
      ['PATCH', '/manage/tokens/', 'token ID is required'],
      ['DELETE', '/manage/tokens/', 'token ID is required'],
      ['GET', '/manage/audit/', 'audit event ID is required'],
    ])("%s %s answers the original's 400 %j", async (method, path, error) => {
      const res = await callApi(server, method, path, method === 'PATCH' ? { body: { name: 'x' } } : {});
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error });
    });

    it('keeps refusing project deletion with 405, whatever the id', async () => {
      const res = await callApi(server, 'DELETE', '/manage/projects/');
      expect(res.status).toBe(405);
    });
  });

  describe('audit time filters', () => {
    it.each([
      '2020-02-30',
      '2021-02-29',
      '2020-04-31T10:00:00Z',
      '2020-01-01T24:00:00Z',
      '2020-01-01T10:60:00Z',
    ])('refuses %s, which names no real time, instead of rolling it over', async (time) => {
      const res = await callApi(server, 'GET', `/manage/audit?start_time=${encodeURIComponent(time)}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_query' });
    });

    it.each(['2020-02-29', '2020-02-29 23:59:59', '2020-02-29T23:59:59.5+05:30', '2020-12-31T00:00:00Z'])(
      'accepts %s',
      async (time) => {
        const res = await callApi(server, 'GET', `/manage/audit?end_time=${encodeURIComponent(time)}`);
        expect(res.status).toBe(200);
      },
    );
  });

  it('answers a cache purge as the original with its cache off: the gateway has none', async () => {
    const res = await callApi(server, 'POST', '/manage/cache/purge', {
      body: { method: 'GET', url: '/v1/models' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'caching is disabled', code: 'caching_disabled' });
  });
});
