import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  startManagementTestServer,
  type ManagementTestServer,
} from './management-test-server.test-support.js';

describe('request ids', () => {
  let server: ManagementTestServer;
  beforeAll(async () => {
    server = await startManagementTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("echoes the client's X-Request-ID and X-Correlation-ID", async () => {
    const res = await callApi(server, 'GET', '/manage/projects', {
      headers: { 'x-request-id': 'client-req-42', 'x-correlation-id': 'trace-7' },
    });
    expect(res.headers.get('x-request-id')).toBe('client-req-42');
    expect(res.headers.get('x-correlation-id')).toBe('trace-7');
  });

  it('echoes them on errors too, including 401', async () => {
    const res = await callApi(server, 'GET', '/manage/projects', {
      token: null,
      headers: { 'x-request-id': 'client-req-401' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('client-req-401');
  });

  it('generates ids when the client sends none', async () => {
    const res = await callApi(server, 'GET', '/manage/projects');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('replaces an id that is too long or has spaces', async () => {
    for (const id of ['x'.repeat(201), 'has space']) {
      const res = await callApi(server, 'GET', '/manage/projects', { headers: { 'x-request-id': id } });
      expect(res.headers.get('x-request-id')).not.toBe(id);
    }
  });

  it("records the client's id in the audit log", async () => {
    await callApi(server, 'GET', '/manage/tokens', {
      headers: { 'x-request-id': 'client-req-audit', 'x-correlation-id': 'corr-audit' },
    });
    await server.flushAudit();
    const { items } = await server.store.queryAudit({ requestId: 'client-req-audit', page: 1, pageSize: 5 });
    expect(items.map((e) => [e.action, e.correlationId])).toEqual([['token.list', 'corr-audit']]);
  });
});
