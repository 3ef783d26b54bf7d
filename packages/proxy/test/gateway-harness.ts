import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type OpenAI from 'openai';
import { createLogger, loadConfig } from '@llmops/core';
import { proxyConfig, startProxy, type RunningProxy } from '@llmops/proxy';
import { simLlmConfig, startSimLlm, type RunningSimLlm } from '@llmops/sim';

export const MANAGEMENT_TOKEN = 'mgmt-secret-token-0123456789';
export const UPSTREAM_KEY = 'sk-upstream-secret-key-9876543210';
export const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export interface Gateway {
  sim: RunningSimLlm;
  proxy: RunningProxy;
  dir: string;
  dbPath: string;
  logs: () => string;
  manage<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A project (upstream key set) and a token for it. */
  newToken(opts?: {
    maxRequests?: number;
    minutes?: number;
    projectName?: string;
  }): Promise<{ token: string; tokenId: string; projectId: string }>;
  /** The project's proxied-request audit records once there are at least `count` (written in batches), or after 1 s. */
  proxyAudit<T>(projectId: string, count: number): Promise<T[]>;
  close(): Promise<void>;
}

/** A real simulator and a real gateway on loopback, with a temp SQLite file and a captured log stream. */
export async function startGateway(
  opts: { sim?: Record<string, unknown>; proxy?: Record<string, unknown> } = {},
): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'llmops-gw-'));
  const dbPath = join(dir, 'proxy.db');
  const sim = await startSimLlm(
    loadConfig(simLlmConfig, { env: {}, flags: { port: 0, timeScale: 0.02, ...opts.sim } }),
  );
  let logText = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logText += chunk.toString();
      cb();
    },
  });
  const config = loadConfig(proxyConfig, {
    env: {},
    flags: {
      host: '127.0.0.1',
      port: 0,
      managementToken: MANAGEMENT_TOKEN,
      databasePath: dbPath,
      openaiApiUrl: sim.url,
      encryptionKey: ENCRYPTION_KEY,
      auditFlushInterval: '50ms',
      logLevel: 'trace',
      ...opts.proxy,
    },
  });
  const proxy = await startProxy(config, createLogger({ level: 'trace', destination: sink }));
  let n = 0;
  const manage = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${proxy.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${MANAGEMENT_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    sim,
    proxy,
    dir,
    dbPath,
    logs: () => logText,
    manage,
    async newToken(o = {}) {
      const p = await manage<{ id: string }>('POST', '/manage/projects', {
        name: o.projectName ?? `p-${++n}-${Date.now()}`,
        api_key: UPSTREAM_KEY,
      });
      const t = await manage<{ id: string; token: string }>('POST', '/manage/tokens', {
        project_id: p.body.id,
        duration_minutes: o.minutes ?? 60,
        ...(o.maxRequests !== undefined ? { max_requests: o.maxRequests } : {}),
      });
      return { token: t.body.token, tokenId: t.body.id, projectId: p.body.id };
    },
    async proxyAudit<T>(projectId: string, count: number) {
      let events: T[] = [];
      for (let i = 0; i < 50 && events.length < count; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const path = `/manage/audit?action=proxy_request&project_id=${projectId}`;
        events = (await manage<{ events: T[] | null }>('GET', path)).body.events ?? [];
      }
      return events;
    },
    async close() {
      await proxy.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Streams `max_tokens` tokens (ignore_eos) through the gateway and counts the chunks that carry content, and
 * whether any carried `usage` (which the client did not ask for).
 */
export async function streamTokens(
  client: OpenAI,
  maxTokens: number,
): Promise<{ tokens: number; sawUsage: boolean }> {
  const stream = await client.chat.completions.create({
    model: 'sim-small',
    messages: [{ role: 'user', content: 'Stream through the gateway' }],
    max_tokens: maxTokens,
    stream: true,
    ...({ ignore_eos: true } as object),
  });
  let tokens = 0;
  let sawUsage = false;
  for await (const c of stream) {
    if (c.choices[0]?.delta.content) tokens++;
    if (c.usage) sawUsage = true;
  }
  return { tokens, sawUsage };
}
