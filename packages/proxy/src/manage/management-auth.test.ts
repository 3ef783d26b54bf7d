import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  startManagementTestServer,
  type ManagementTestServer,
} from './management-test-server.test-support.js';

describe('management token check', () => {
  let server: ManagementTestServer;
  beforeAll(async () => {
    server = await startManagementTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 401 "missing or invalid Authorization header" without a header, as JSON', async () => {
    const res = await callApi(server, 'GET', '/manage/projects', { token: null });
    expect(res.status).toBe(401);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      error: 'missing or invalid Authorization header',
      code: 'missing_authorization',
      message: 'missing or invalid Authorization header',
    });
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it.each([
    ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['an empty bearer', 'Bearer '],
    ['a bare token', 'test-management-token-0123456789'],
  ])('treats %s as a missing header', async (_case, authorization) => {
    const res = await callApi(server, 'GET', '/manage/tokens', { token: null, headers: { authorization } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'missing_authorization' });
  });

  it.each([
    ['a wrong token', 'wrong'],
    ['a prefix of the token', 'test-management-token'],
    ['the token plus a suffix', 'test-management-token-0123456789x'],
  ])('answers 401 "invalid management token" for %s', async (_case, token) => {
    const res = await callApi(server, 'GET', '/manage/projects', { token });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: 'invalid management token',
      code: 'invalid_management_token',
      message: 'invalid management token',
    });
  });

  it('accepts the bearer scheme in any case', async () => {
    const res = await callApi(server, 'GET', '/manage/projects', {
      token: null,
      headers: { authorization: `bearer ${server.managementToken}` },
    });
    expect(res.status).toBe(200);
  });

  it('checks the token before revealing whether a route or method exists', async () => {
    expect((await callApi(server, 'GET', '/manage/nothing-here', { token: null })).status).toBe(401);
    expect((await callApi(server, 'PUT', '/manage/projects', { token: null })).status).toBe(401);
    expect(
      (await callApi(server, 'POST', '/manage/projects', { token: null, body: '{bad json' })).status,
    ).toBe(401);
  });

  it('audits a refused request as denied, without the presented token', async () => {
    await callApi(server, 'GET', '/manage/tokens', {
      token: 'guessed-token-1',
      headers: { 'x-request-id': 'denied-1' },
    });
    await server.flushAudit();
    const { items } = await server.store.queryAudit({ requestId: 'denied-1', page: 1, pageSize: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      action: 'token.list',
      outcome: 'denied',
      reason: 'invalid management token',
    });
    expect(JSON.stringify(items)).not.toContain('guessed-token-1');
  });
});
