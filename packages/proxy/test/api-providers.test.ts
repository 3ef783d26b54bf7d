import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { loadApiProvider } from '@llmops/proxy';
import { compatPath } from '../../../test-support/compat.js';
import { startGateway, UPSTREAM_KEY } from './gateway-harness.js';

const FIXTURE = compatPath('llm-proxy/api_providers.yaml');

describe("the original's api_providers.yaml", () => {
  it('loads as the same config file', async () => {
    const p = await loadApiProvider(FIXTURE, undefined, false);
    expect(p?.name).toBe('openai');
    expect(p?.allowedEndpoints).toContain('/v1/chat/completions');
    expect([...(p?.allowedMethods ?? [])]).toEqual(['GET', 'POST', 'OPTIONS']);
    expect(p?.timeouts.responseHeaderMs).toBe(30_000);
    const anthropic = await loadApiProvider(FIXTURE, 'anthropic', false);
    expect(anthropic?.allowedEndpoints).toEqual(['/v1/messages', '/v1/complete']);
  });

  it('enforces its endpoints, methods and model whitelist on /v1', async () => {
    // The fixture's base_url is OpenAI's; UPSTREAM_URL points the same rules at the local simulator.
    const gw = await startGateway({ proxy: { apiConfigPath: FIXTURE } });
    try {
      // Projects route to the simulator through their own upstream_url.
      const p = await gw.manage<{ id: string }>('POST', '/manage/projects', {
        name: 'fixture',
        api_key: UPSTREAM_KEY,
        upstream_url: gw.sim.url,
      });
      const t = await gw.manage<{ token: string }>('POST', '/manage/tokens', {
        project_id: p.body.id,
        duration_minutes: 5,
      });
      const call = (method: string, path: string, body?: unknown) =>
        fetch(`${gw.proxy.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${t.body.token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      expect((await call('GET', '/v1/models')).status).toBe(200);
      expect((await call('DELETE', '/v1/models')).status).toBe(405);
      expect((await call('GET', '/v1/fine-tunes')).status).toBe(404);
      const denied = await call('POST', '/v1/chat/completions', {
        model: 'sim-small',
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(denied.status).toBe(400);
      expect(((await denied.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'param_not_allowed',
      });
      const origin = await fetch(`${gw.proxy.url}/v1/models`, {
        headers: { authorization: `Bearer ${t.body.token}`, origin: 'https://evil.example' },
      });
      expect(origin.status).toBe(403);
      expect(origin.headers.get('access-control-allow-origin')).toBeNull();
      // A browser reads an answer only if it names the page's origin: relayed answers and the gateway's own errors.
      const allowed = 'http://localhost:4000';
      const relayed = await fetch(`${gw.proxy.url}/v1/models`, {
        headers: { authorization: `Bearer ${t.body.token}`, origin: allowed },
      });
      expect(relayed.status).toBe(200);
      expect(relayed.headers.get('access-control-allow-origin')).toBe(allowed);
      expect(relayed.headers.get('access-control-expose-headers')).toBe(
        'X-Request-ID, X-Upstream-Request-ID',
      );
      expect(relayed.headers.get('vary')).toContain('Origin');
      const refused = await fetch(`${gw.proxy.url}/v1/models`, { headers: { origin: allowed } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('access-control-allow-origin')).toBe(allowed);
      expect(refused.headers.get('vary')).toContain('Origin');
      // An empty Origin is no origin (Go's Header.Get in the original cannot tell them apart): let through.
      const empty = await request(`${gw.proxy.url}/v1/models`, {
        headers: { authorization: `Bearer ${t.body.token}`, origin: '' },
      });
      await empty.body.dump();
      expect(empty.statusCode).toBe(200);
      const preflight = await fetch(`${gw.proxy.url}/v1/chat/completions`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:4000' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:4000');
    } finally {
      await gw.close();
    }
  });

  it('demands an Origin when required_headers names it, answering 400 origin_required without one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmops-providers-'));
    const path = join(dir, 'api_providers.yaml');
    writeFileSync(
      path,
      [
        'apis:',
        '  openai:',
        '    base_url: http://127.0.0.1:9',
        '    allowed_endpoints: [/v1/models]',
        '    allowed_methods: [GET, OPTIONS]',
        '    allowed_origins: [http://localhost:4000]',
        '    required_headers: [Origin]',
        '',
      ].join('\n'),
    );
    const gw = await startGateway({ proxy: { apiConfigPath: path } });
    try {
      const { token } = await gw.newToken();
      const headers = { authorization: `Bearer ${token}` };
      const missing = await fetch(`${gw.proxy.url}/v1/models`, { headers });
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('origin_required');
      const foreign = await fetch(`${gw.proxy.url}/v1/models`, {
        headers: { ...headers, origin: 'https://evil.example' },
      });
      expect(foreign.status).toBe(403);
    } finally {
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
