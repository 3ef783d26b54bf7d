import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startManagementTestServer,
  type ManagementTestServer,
} from '../../proxy/src/manage/management-test-server.test-support.js';
import { runLlmops, UPSTREAM_KEY, type Run } from './manage-cli-harness.js';

/*
 * The original llm-proxy's `manage` command lines, run unchanged against the llmops gateway's management API:
 * positional ids, `project delete`, `cache purge`, and `token generate --duration 0`.
 */

describe("llmops manage, with the original's command lines", () => {
  let server: ManagementTestServer;
  let names = 0;

  beforeAll(async () => {
    server = await startManagementTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const llmops = (args: string[], env: Record<string, string | undefined> = {}): Promise<Run> =>
    runLlmops(server, args, env);

  const json = <T>(run: Run): T => JSON.parse(run.out.join('\n')) as T;

  async function createProject(...extra: string[]): Promise<string> {
    const name = `verbs-${String(++names)}`;
    const run = await llmops([
      'manage',
      'project',
      'create',
      '--name',
      name,
      '--openai-key',
      UPSTREAM_KEY,
      ...extra,
      '--json',
    ]);
    expect(run.code).toBe(0);
    return json<{ id: string }>(run).id;
  }

  describe('project', () => {
    it('gets a project by a positional id, and still by --id', async () => {
      const id = await createProject();
      const positional = await llmops(['manage', 'project', 'get', id, '--json']);
      expect(positional.code).toBe(0);
      expect(json<{ id: string }>(positional).id).toBe(id);
      const flag = await llmops(['manage', 'project', 'get', '--id', id, '--json']);
      expect(json<{ id: string }>(flag).id).toBe(id);
    });

    it('refuses two different ids, and none', async () => {
      const both = await llmops(['manage', 'project', 'get', 'one', '--id', 'two']);
      expect(both.code).toBe(1);
      expect(both.err.join('\n')).toMatch(/two different project ids/);
      const none = await llmops(['manage', 'project', 'get']);
      expect(none.code).toBe(1);
      expect(none.err.join('\n')).toMatch(/a project id is required/);
    });

    it('updates a project named positionally', async () => {
      const id = await createProject();
      const run = await llmops(['manage', 'project', 'update', id, '--name', `renamed-${id}`, '--json']);
      expect(run.code).toBe(0);
      expect(json<{ name: string }>(run).name).toBe(`renamed-${id}`);
    });

    it("clears the upstream URL with --upstream-url ''", async () => {
      const id = await createProject('--upstream-url', 'http://vllm.internal:8000');
      const run = await llmops(['manage', 'project', 'update', id, '--upstream-url', '', '--json']);
      expect(run.code).toBe(0);
      expect(json<{ upstream_url: string | null }>(run).upstream_url).toBeNull();
    });

    it("deletes through the API, which refuses as the original's does (405)", async () => {
      const id = await createProject();
      const run = await llmops(['manage', 'project', 'delete', id]);
      expect(run.code).toBe(1);
      expect(run.err).toEqual([
        'llmops manage project delete: method not allowed: project deletion is not permitted (HTTP 405)',
      ]);
      expect((await llmops(['manage', 'project', 'get', id])).code).toBe(0);
    });
  });

  describe('token', () => {
    it.each(['0', '-5'])(
      'falls back to 1440 minutes for --duration %s, as the original',
      async (duration) => {
        const projectId = await createProject();
        const before = Date.now();
        const run = await llmops([
          'manage',
          'token',
          'generate',
          '--project-id',
          projectId,
          '--duration',
          duration,
          '--json',
        ]);
        expect(run.code).toBe(0);
        const minutes = (Date.parse(json<{ expires_at: string }>(run).expires_at) - before) / 60_000;
        expect(minutes).toBeGreaterThan(1439);
        expect(minutes).toBeLessThan(1441);
      },
    );

    it('shows and revokes a token named positionally', async () => {
      const projectId = await createProject();
      const generated = await llmops(['manage', 'token', 'generate', '--project-id', projectId, '--json']);
      const { id } = json<{ id: string }>(generated);
      expect(json<{ id: string }>(await llmops(['manage', 'token', 'get', id, '--json'])).id).toBe(id);
      expect((await llmops(['manage', 'token', 'revoke', id])).out).toEqual([`Token ${id} revoked.`]);
    });
  });

  describe('cache purge', () => {
    it('says clearly that the gateway has no response cache', async () => {
      const run = await llmops(['manage', 'cache', 'purge', '--method', 'GET', '--url', '/v1/models']);
      expect(run.code).toBe(1);
      expect(run.err).toEqual([
        'llmops manage cache purge: caching is disabled: this gateway has no response cache, so there is nothing to purge (HTTP 400)',
      ]);
    });

    describe('against a server with a cache (the original)', () => {
      let original: Server;
      let url: string;
      const bodies: unknown[] = [];

      beforeAll(async () => {
        original = createServer((req, res) => {
          let text = '';
          req.on('data', (c: Buffer) => (text += c.toString()));
          req.on('end', () => {
            const body = JSON.parse(text) as { prefix?: string };
            bodies.push(body);
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify({ deleted: body.prefix === undefined ? true : 3 }));
          });
        });
        await new Promise<void>((r) => original.listen(0, '127.0.0.1', r));
        url = `http://127.0.0.1:${String((original.address() as AddressInfo).port)}`;
      });
      afterAll(async () => {
        await new Promise((r) => original.close(r));
      });

      it("purges by key and by prefix with the original's flags and wording", async () => {
        const exact = await llmops([
          'manage',
          'cache',
          'purge',
          '--api-base-url',
          url,
          '--method',
          'GET',
          '--url',
          '/v1/models',
        ]);
        expect(exact.out).toEqual(['Cache entry deleted successfully']);
        const prefix = await llmops(
          ['manage', 'cache', 'purge', '--method', 'GET', '--url', '/v1/models', '--prefix', 'llmproxy:'],
          {
            MANAGEMENT_API_BASE_URL: url,
          },
        );
        expect(prefix.out).toEqual(['Cache prefix purge completed: 3 entries deleted']);
        expect(bodies).toEqual([
          { method: 'GET', url: '/v1/models' },
          { method: 'GET', url: '/v1/models', prefix: 'llmproxy:' },
        ]);
      });
    });
  });
});
