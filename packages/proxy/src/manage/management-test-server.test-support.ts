/*
 * Test support (not shipped behaviour): the management API on a real loopback port over a real SQLite store in a
 * temp directory. Each test file starts its own and closes it, which removes the directory.
 */
import type { KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { TokenGate } from '../auth/token-gate.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { NewAuditEvent, Store } from '../store/store.js';
import { registerManagementApi } from './management-api.js';

export const TEST_MANAGEMENT_TOKEN = 'test-management-token-0123456789';

export interface ManagementTestServer {
  url: string;
  app: FastifyInstance;
  store: Store;
  /** The request path's token gate, wired as the gateway wires it; only with `tokenGate: true`. */
  gate: TokenGate | undefined;
  managementToken: string;
  /** Waits until every audit event handed to the sink so far is in the store. */
  flushAudit(): Promise<void>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  encryptionKey?: KeyObject;
  now?: () => Date;
  /** Serve with a TokenGate over the same store, invalidated and flushed by management writes as in the gateway. */
  tokenGate?: boolean;
}

export async function startManagementTestServer(
  options: TestServerOptions = {},
): Promise<ManagementTestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'llmops-manage-'));
  const store = await openSqliteStore({ path: join(dir, 'llm-proxy.db') });
  await store.migrate();
  let pending: Promise<void>[] = [];
  // Stands in for the caller's batched writer: writes at once, and lets a test wait for the writes.
  const audit = (ev: NewAuditEvent): void => {
    const write = store.appendAudit([ev]);
    write.catch(() => undefined);
    pending.push(write);
  };
  const app = Fastify({ logger: false });
  const gate = options.tokenGate ? new TokenGate(store) : undefined;
  registerManagementApi(app, {
    store,
    managementToken: TEST_MANAGEMENT_TOKEN,
    encryptionKey: options.encryptionKey,
    audit,
    ...(options.now ? { now: options.now } : {}),
    ...(gate
      ? { onChange: () => gate.invalidate(), flushUses: (tokenId: string) => gate.flushUses(tokenId) }
      : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const flushAudit = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    await Promise.all(batch);
  };
  return {
    url: `http://127.0.0.1:${String(port)}`,
    app,
    store,
    gate,
    managementToken: TEST_MANAGEMENT_TOKEN,
    flushAudit,
    async close() {
      await app.close();
      await flushAudit();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  contentType: string | undefined;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** The bearer to send; null sends no Authorization header. Defaults to the management token. */
  token?: string | null;
  headers?: Record<string, string>;
}

/** One HTTP call to the server, as a client of the original would make it. */
export async function callApi(
  server: ManagementTestServer,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? server.managementToken : options.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(server.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    contentType: res.headers.get('content-type') ?? undefined,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    text,
  };
}
