import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UpstreamClient } from '@llmops/core';

interface DemoToken {
  tokenId: string;
  token: string;
  projectId: string;
}

/** Reads a secret kept in the data directory, or creates it (mode 0600): the local stack's own credentials. */
export function localSecret(dataDir: string, name: string, make: () => string): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, name);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const value = make();
  writeFileSync(path, value + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  return value;
}

export const newManagementToken = (): string => `llmops-mgmt-${randomBytes(18).toString('base64url')}`;

/**
 * Makes sure the local gateway has a `demo` project and a valid token for it, through the management API (as a
 * user would). The token is kept in the data directory so later starts print the same one.
 */
export async function ensureDemoToken(
  gatewayUrl: string,
  managementToken: string,
  dataDir: string,
): Promise<DemoToken> {
  const client = new UpstreamClient();
  const headers = { authorization: `Bearer ${managementToken}` };
  const file = join(dataDir, 'demo-token.json');
  try {
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as DemoToken;
      const res = await client.send({
        baseUrl: gatewayUrl,
        path: `/manage/tokens/${saved.tokenId}`,
        headers,
      });
      const body = (await res.body.json()) as { is_active?: boolean; expires_at?: string };
      if (res.status === 200 && body.is_active && Date.parse(body.expires_at ?? '') > Date.now() + 3_600_000)
        return saved;
    }
    const projects = (
      await client.json<Array<{ id: string; name: string }>>({
        baseUrl: gatewayUrl,
        path: '/manage/projects',
        headers,
      })
    ).body;
    const projectId =
      projects.find((p) => p.name === 'demo')?.id ??
      (
        await client.json<{ id: string }>({
          baseUrl: gatewayUrl,
          path: '/manage/projects',
          method: 'POST',
          headers,
          // The simulator checks no key; a real upstream's key would go here.
          body: { name: 'demo', api_key: 'sk-local-simulator-no-key-needed' },
        })
      ).body.id;
    const t = (
      await client.json<{ id: string; token: string }>({
        baseUrl: gatewayUrl,
        path: '/manage/tokens',
        method: 'POST',
        headers,
        body: { project_id: projectId, duration_minutes: 30 * 24 * 60 },
      })
    ).body;
    const demo = { tokenId: t.id, token: t.token, projectId };
    writeFileSync(file, JSON.stringify(demo, null, 2) + '\n', { mode: 0o600 });
    return demo;
  } finally {
    await client.close();
  }
}
