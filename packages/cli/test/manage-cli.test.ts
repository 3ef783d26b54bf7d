import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as CommandTable from '../src/commands/index.js';
import {
  startManagementTestServer,
  type ManagementTestServer,
} from '../../proxy/src/manage/management-test-server.test-support.js';
import { runLlmops, UPSTREAM_KEY, type Run } from './manage-cli-harness.js';

/*
 * `llmops manage …` end to end: the real commander program (in-process, output captured) against the real
 * management API on a loopback port over a temp SQLite store.
 */

// Until the command table lists the manage commands, add them here; once it does, this changes nothing.
vi.mock('../src/commands/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof CommandTable>();
  const { manageCommands } = await import('../src/commands/manage.js');
  return { COMMANDS: [...original.COMMANDS.filter((c) => c.path[0] !== 'manage'), ...manageCommands] };
});

describe('llmops manage', () => {
  let server: ManagementTestServer;

  beforeAll(async () => {
    server = await startManagementTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const llmops = (args: string[], env: Record<string, string | undefined> = {}): Promise<Run> =>
    runLlmops(server, args, env);

  async function createProject(name: string): Promise<string> {
    const run = await llmops([
      'manage',
      'project',
      'create',
      '--name',
      name,
      '--openai-key',
      UPSTREAM_KEY,
      '--json',
    ]);
    expect(run.code).toBe(0);
    return (JSON.parse(run.out.join('\n')) as { id: string }).id;
  }

  describe('project', () => {
    it('creates a project and prints it as fields, key obfuscated', async () => {
      const run = await llmops([
        'manage',
        'project',
        'create',
        '--name',
        'cli-fields',
        '--openai-key',
        UPSTREAM_KEY,
        '--upstream-url',
        'http://vllm.internal:8000',
      ]);
      expect(run.code).toBe(0);
      expect(run.out).toContain('API key   sk-upstr...WXYZ');
      expect(run.out).toContain('Upstream  http://vllm.internal:8000');
      expect(run.out.join('\n')).not.toContain(UPSTREAM_KEY);
    });

    it('lists projects as an aligned table', async () => {
      await createProject('cli-list-a');
      const run = await llmops(['manage', 'project', 'list']);
      expect(run.code).toBe(0);
      const [header, ...rows] = run.out;
      expect(header).toMatch(/^ID {36}NAME +API KEY +ACTIVE +UPSTREAM +CREATED +UPDATED$/);
      const row = rows.find((r) => r.includes('cli-list-a')) ?? '';
      // Every column starts where its header does.
      expect(row.indexOf('cli-list-a')).toBe(header?.indexOf('NAME'));
      expect(row.indexOf('sk-upstr...WXYZ')).toBe(header?.indexOf('API KEY'));
    });

    it("prints the server's JSON with --json", async () => {
      const id = await createProject('cli-json');
      const run = await llmops(['manage', 'project', 'get', '--id', id, '--json']);
      expect(JSON.parse(run.out.join('\n'))).toMatchObject({
        id,
        name: 'cli-json',
        api_key: 'sk-upstr...WXYZ',
        is_active: true,
      });
    });

    it('updates a project, deactivating it with --no-active', async () => {
      const id = await createProject('cli-update');
      const run = await llmops([
        'manage',
        'project',
        'update',
        '--id',
        id,
        '--name',
        'cli-updated',
        '--no-active',
        '--json',
      ]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.out.join('\n'))).toMatchObject({ name: 'cli-updated', is_active: false });
    });

    it('refuses an update with nothing to change', async () => {
      const run = await llmops(['manage', 'project', 'update', '--id', 'x']);
      expect(run.code).toBe(1);
      expect(run.err.join('\n')).toMatch(/nothing to update/);
    });

    it("reports the server's message and exits 1 on an API error", async () => {
      const run = await llmops(['manage', 'project', 'get', '--id', 'does-not-exist']);
      expect(run.code).toBe(1);
      expect(run.err).toEqual(['llmops manage project get: project not found (HTTP 404)']);
    });
  });

  describe('token', () => {
    it('generates a token, prints it once, then lists, shows and revokes it', async () => {
      const projectId = await createProject('cli-tokens');
      const generated = await llmops([
        'manage',
        'token',
        'generate',
        '--project-id',
        projectId,
        '--max-requests',
        '7',
      ]);
      expect(generated.code).toBe(0);
      const clear = /^Token +(sk-\S+)$/m.exec(generated.out.join('\n'))?.[1] ?? '';
      const id = /^ID +(\S+)$/m.exec(generated.out.join('\n'))?.[1] ?? '';
      expect(clear).toMatch(/^sk-[A-Za-z0-9_-]{22}$/);
      expect(generated.out).toContain('Max requests  7');

      const list = await llmops(['manage', 'token', 'list', '--project-id', projectId]);
      expect(list.out[0]).toMatch(/^ID +TOKEN +PROJECT +ACTIVE +REQUESTS +MAX +EXPIRES +LAST USED$/);
      expect(list.out).toHaveLength(2);
      expect(list.out[1]).toContain(`sk-${clear.slice(3, 7)}${'*'.repeat(14)}${clear.slice(-4)}`);
      expect(list.out.join('\n')).not.toContain(clear);

      const get = await llmops(['manage', 'token', 'get', '--id', id, '--json']);
      expect(JSON.parse(get.out.join('\n'))).toMatchObject({
        id,
        project_id: projectId,
        max_requests: 7,
        is_active: true,
      });

      const revoke = await llmops(['manage', 'token', 'revoke', '--id', id]);
      expect(revoke.out).toEqual([`Token ${id} revoked.`]);
      const after = await llmops(['manage', 'token', 'get', '--id', id]);
      expect(after.out).toContain('Active        no');
    });

    it('defaults the duration to 1440 minutes', async () => {
      const projectId = await createProject('cli-duration');
      const before = Date.now();
      const run = await llmops(['manage', 'token', 'generate', '--project-id', projectId, '--json']);
      const token = JSON.parse(run.out.join('\n')) as { expires_at: string; max_requests: number };
      const minutes = (Date.parse(token.expires_at) - before) / 60_000;
      expect(minutes).toBeGreaterThan(1439);
      expect(minutes).toBeLessThan(1441);
      expect(token.max_requests).toBe(0);
    });

    it("reports a refused generation with the server's message", async () => {
      const projectId = await createProject('cli-inactive');
      await llmops(['manage', 'project', 'update', '--id', projectId, '--no-active']);
      const run = await llmops(['manage', 'token', 'generate', '--project-id', projectId]);
      expect(run.code).toBe(1);
      expect(run.err).toEqual([
        'llmops manage token generate: cannot create tokens for inactive projects (HTTP 403)',
      ]);
    });

    it('rejects a duration over a year before calling the server', async () => {
      const run = await llmops(['manage', 'token', 'generate', '--project-id', 'p', '--duration', '525601']);
      expect(run.code).toBe(2);
      expect(run.err.join('\n')).toMatch(/duration/);
    });
  });

  it('documents its options, with their env equivalents, in --help', async () => {
    const run = await llmops(['manage', 'token', 'generate', '--help']);
    const help = run.out.join('\n');
    expect(run.code).toBe(0);
    for (const flag of [
      '--manage-api-base-url',
      '--management-token',
      '--json',
      '--project-id',
      '--duration',
      '--max-requests',
    ]) {
      expect(help).toContain(flag);
    }
    expect(help).toMatch(/MANAGEMENT_API_BASE_URL/);
    expect(help).toMatch(/MANAGEMENT_TOKEN/);
    expect(help).not.toContain(server.managementToken);
  });

  describe('management token', () => {
    it('is required', async () => {
      const run = await llmops(['manage', 'project', 'list'], { MANAGEMENT_TOKEN: undefined });
      expect(run.code).toBe(2);
      expect(run.err.join('\n')).toMatch(/managementToken/);
    });

    it('is never printed, also when the server rejects it', async () => {
      const wrong = 'wrong-management-token-SECRET';
      const run = await llmops(['manage', 'token', 'list', '--management-token', wrong]);
      expect(run.code).toBe(1);
      expect(run.err).toEqual(['llmops manage token list: invalid management token (HTTP 401)']);
      expect([...run.out, ...run.err].join('\n')).not.toContain(wrong);
    });

    it('is not printed when the server cannot be reached', async () => {
      const run = await llmops(['manage', 'project', 'list'], {
        MANAGEMENT_API_BASE_URL: 'http://127.0.0.1:9',
      });
      expect(run.code).toBe(1);
      expect(run.err.join('\n')).toMatch(/cannot reach the management API at http:\/\/127\.0\.0\.1:9/);
      expect(run.err.join('\n')).not.toContain(server.managementToken);
    });
  });
});
