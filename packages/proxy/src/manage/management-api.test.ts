import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { NewAuditEvent } from '../store/store.js';
import { registerManagementApi } from './management-api.js';
import { callApi, startManagementTestServer } from './management-test-server.test-support.js';

describe('registerManagementApi', () => {
  it('keeps its auth, body parsing and errors to /manage: other routes of the app are untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llmops-manage-scope-'));
    const store = await openSqliteStore({ path: join(dir, 'db.sqlite') });
    await store.migrate();
    const events: NewAuditEvent[] = [];
    const app = Fastify({ logger: false });
    app.post('/v1/echo', async (req) => ({ got: req.body }));
    registerManagementApi(app, {
      store,
      managementToken: 'm-token',
      encryptionKey: undefined,
      audit: (ev) => events.push(ev),
    });
    try {
      const echo = await app.inject({ method: 'POST', url: '/v1/echo', payload: { a: 1 } });
      expect(echo.statusCode).toBe(200);
      expect(echo.json()).toEqual({ got: { a: 1 } });
      expect(echo.headers['x-request-id']).toBeUndefined();
      const manage = await app.inject({
        method: 'GET',
        url: '/manage/projects',
        headers: { authorization: 'Bearer m-token' },
      });
      expect(manage.statusCode).toBe(200);
      expect(events.map((e) => e.action)).toEqual(['project.list']);
    } finally {
      await app.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers a store failure with a generic JSON 500 and audits it as an error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llmops-manage-fail-'));
    const store = await openSqliteStore({ path: join(dir, 'db.sqlite') });
    await store.migrate();
    const events: NewAuditEvent[] = [];
    const app = Fastify({ logger: false });
    registerManagementApi(app, {
      store,
      managementToken: 'm-token',
      encryptionKey: undefined,
      audit: (ev) => events.push(ev),
    });
    try {
      await store.close(); // a real failure underneath: the database is gone
      const res = await app.inject({
        method: 'GET',
        url: '/manage/projects',
        headers: { authorization: 'Bearer m-token' },
      });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({
        error: 'internal server error',
        code: 'internal_error',
        message: 'internal server error',
      });
      expect(events.map((e) => [e.action, e.outcome, e.reason])).toEqual([
        ['project.list', 'error', 'internal server error'],
      ]);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers unknown /manage paths with a JSON 404 after the token check', async () => {
    const server = await startManagementTestServer();
    try {
      const res = await callApi(server, 'GET', '/manage/unknown');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'not found', code: 'route_not_found' });
    } finally {
      await server.close();
    }
  });
});
