import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, UpstreamClient } from '@llmops/core';
import { openSqliteStore } from '@llmops/proxy';
import { simLlmConfig, startSimLlm } from '@llmops/sim';
import { spawnServer } from '../../../test-support/spawn-cli.js';
import { startGateway } from './gateway-harness.js';

const MGMT = 'shutdown-test-management-token';

describe('graceful shutdown', () => {
  it('finishes in-flight streams after SIGTERM and loses no audit record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmops-shutdown-'));
    const dbPath = join(dir, 'proxy.db');
    const sim = await startSimLlm(loadConfig(simLlmConfig, { env: {}, flags: { port: 0 } }));
    const client = new UpstreamClient();
    try {
      // A long flush interval: every proxied request's record must come from the final flush at shutdown.
      const gw = await spawnServer(['proxy', '--host', '127.0.0.1', '--port', '0'], {
        MANAGEMENT_TOKEN: MGMT,
        DATABASE_PATH: dbPath,
        OPENAI_API_URL: sim.url,
        AUDIT_FLUSH_INTERVAL: '10m',
        SHUTDOWN_GRACE: '15s',
      });
      const auth = { authorization: `Bearer ${MGMT}` };
      const project = (
        await client.json<{ id: string }>({
          baseUrl: gw.url,
          path: '/manage/projects',
          method: 'POST',
          headers: auth,
          body: { name: 'p', api_key: 'sk-upstream-0000000000' },
        })
      ).body;
      const token = (
        await client.json<{ token: string }>({
          baseUrl: gw.url,
          path: '/manage/tokens',
          method: 'POST',
          headers: auth,
          body: { project_id: project.id, duration_minutes: 10 },
        })
      ).body.token;
      const streams = Array.from({ length: 20 }, (_, i) =>
        client.measure({
          baseUrl: gw.url,
          path: '/v1/chat/completions',
          apiKey: token,
          body: {
            model: 'sim-small',
            stream: true,
            max_tokens: 120,
            ignore_eos: true,
            messages: [{ role: 'user', content: `q${i}` }],
          },
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
      const exited = gw.stop();
      const results = await Promise.all(streams);
      expect(results.map((m) => m.errorClass)).toEqual(Array(20).fill(null));
      expect(results.every((m) => m.outputTokens === 120)).toBe(true);
      expect(await exited).toBe(0);
      const store = await openSqliteStore({ path: dbPath });
      try {
        const page = await store.queryAudit({ action: 'proxy_request', page: 1, pageSize: 100 });
        expect(page.totalCount).toBe(20);
        expect(page.items.every((e) => e.outcome === 'success')).toBe(true);
        const tokens = await store.listTokens(project.id);
        expect(tokens[0]?.requestCount).toBe(20);
      } finally {
        await store.close();
      }
    } finally {
      await client.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records the streams it cuts at the end of the grace period before the audit is closed', async () => {
    // Real-time simulator: 2,000 tokens outlast the 200 ms grace, so every stream is cut by the shutdown.
    const gw = await startGateway({
      sim: { timeScale: 1 },
      proxy: { shutdownGrace: '200ms', auditFlushInterval: '10m' },
    });
    const { token, projectId } = await gw.newToken();
    try {
      const streams = Array.from({ length: 20 }, (_, i) =>
        fetch(`${gw.proxy.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'sim-small',
            stream: true,
            max_tokens: 2000,
            ignore_eos: true,
            messages: [{ role: 'user', content: `q${i}` }],
          }),
        })
          .then(async (r) => {
            await r.text().catch(() => 'cut');
            return r.status;
          })
          .catch(() => 0),
      );
      await new Promise((r) => setTimeout(r, 300));
      await gw.proxy.close();
      // A request not yet read when the shutdown began is refused (503 draining), not proxied.
      const relayed = (await Promise.all(streams)).filter((status) => status === 200).length;
      expect(relayed).toBeGreaterThan(0);
      const store = await openSqliteStore({ path: gw.dbPath });
      try {
        const page = await store.queryAudit({ action: 'proxy_request', projectId, page: 1, pageSize: 100 });
        expect(page.totalCount).toBe(relayed);
      } finally {
        await store.close();
      }
    } finally {
      await gw.sim.close();
      rmSync(gw.dir, { recursive: true, force: true });
    }
  });
});
