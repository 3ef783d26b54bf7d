import type { KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { resolve } from 'node:path';
import {
  CoreErrors,
  describeConfig,
  attachLeanPath,
  LeanDispatcher,
  LeanRequest,
  sendError,
  toErrorResponse,
  type Config,
  type Logger,
  type ResponseSink,
  type UpstreamDispatcher,
} from '@llmops/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { Agent } from 'undici';
import { AuditWriter } from './audit/audit-writer.js';
import { TokenGate } from './auth/token-gate.js';
import { encryptSecret, parseEncryptionKey } from './crypto/index.js';
import { ProxyErrors } from './http/proxy-errors.js';
import { ProxyHandler } from './http/proxy-handler.js';
import { ProxyMetrics } from './http/proxy-metrics.js';
import { registerManagementApi } from './manage/index.js';
import { builtInProvider, loadApiProvider, type ApiProvider } from './providers/api-providers.js';
import { proxyConfig } from './proxy-config.js';
import { openSqliteStore, type Store } from './store/index.js';

export type ProxyConfig = Config<typeof proxyConfig>;

export const PROXY_VERSION = '0.1.0';

/** At shutdown, how long requests cut at the end of the grace period get to record themselves. */
const CUT_REQUESTS_SETTLE_MS = 2000;

export interface RunningProxy {
  url: string;
  port: number;
  store: Store;
  metrics: ProxyMetrics;
  /** Graceful: stop accepting, let in-flight requests finish within the grace period, then write the audit. */
  close(): Promise<void>;
}

async function openStore(
  config: ProxyConfig,
  encryptionKey: KeyObject | undefined,
  log: Logger,
): Promise<Store> {
  if (config.dbDriver !== 'sqlite') {
    throw new Error(
      `DB_DRIVER=${config.dbDriver} is not available yet in this build; use DB_DRIVER=sqlite (the default)`,
    );
  }
  const store = await openSqliteStore({
    path: config.databasePath === ':memory:' ? ':memory:' : resolve(config.databasePath),
    auditThread: true,
  });
  await store.migrate();
  // Upstream keys an adopted llm-proxy database (or this one before ENCRYPTION_KEY was set) holds in clear are
  // encrypted now: at rest there is no key in clear once a key is configured.
  if (encryptionKey) {
    const encrypted = await store.encryptPlaintextKeys((plain) => encryptSecret(plain, encryptionKey));
    if (encrypted > 0) log.info({ projects: encrypted }, 'encrypted upstream keys stored in clear');
  }
  if (config.auditEnabled) store.startAuditThread();
  return store;
}

async function loadProvider(config: ProxyConfig): Promise<ApiProvider> {
  const isDefaultPath = config.apiConfigPath === './config/api_providers.yaml';
  const loaded = await loadApiProvider(config.apiConfigPath, config.defaultApiProvider, isDefaultPath);
  return loaded ?? builtInProvider(config.openaiApiUrl);
}

function encryptionKeyOf(config: ProxyConfig): KeyObject | undefined {
  if (!config.encryptionKey) {
    if (config.requireEncryptionKey)
      throw new Error('REQUIRE_ENCRYPTION_KEY is set but ENCRYPTION_KEY is empty');
    return undefined;
  }
  return parseEncryptionKey(config.encryptionKey);
}

/** Starts `llmops proxy` and resolves once it listens. */
export async function startProxy(config: ProxyConfig, log: Logger): Promise<RunningProxy> {
  const encryptionKey = encryptionKeyOf(config);
  const provider = await loadProvider(config);
  const store = await openStore(config, encryptionKey, log);
  const gate = new TokenGate(store);
  const audit = new AuditWriter(store, log, () => gate.flushUses());
  audit.start(config.auditFlushInterval);
  const metrics = new ProxyMetrics();
  const keepAlive = config.upstreamKeepAliveTimeout;
  const agent = new Agent({ keepAliveTimeout: keepAlive, keepAliveMaxTimeout: keepAlive, connections: null });
  const dispatcher: UpstreamDispatcher =
    config.upstreamClient === 'lean' ? new LeanDispatcher(agent, { keepAliveTimeoutMs: keepAlive }) : agent;
  const handler = new ProxyHandler({
    provider,
    gate,
    dispatcher,
    encryptionKey,
    upstreamUrl: config.upstreamUrl,
    maxBodyBytes: config.maxRequestSize,
    firstByteTimeoutMs: provider.timeouts.responseHeaderMs ?? config.requestTimeout,
    idleTimeoutMs: config.upstreamIdleTimeout,
    audit: config.auditEnabled ? audit : undefined,
    metrics,
    log,
  });
  metrics.countInFlight(() => handler.active);
  let draining = false;
  const relay = (req: IncomingMessage | LeanRequest, res: ResponseSink): void => {
    if (!draining) {
      handler.handle(req, res);
      return;
    }
    res.setHeader('connection', 'close');
    sendError(res, ProxyErrors.error('draining'));
    if (!(req instanceof LeanRequest)) req.resume(); // the body is drained, not read
  };
  const app = Fastify({
    logger: false,
    bodyLimit: config.maxRequestSize,
    // /v1 skips Fastify: the proxy path is measured against a bare pipe (README, design notes).
    serverFactory: (fastifyHandler) => {
      const server = createServer((req, res) => {
        if (!req.url?.startsWith('/v1/')) return fastifyHandler(req, res);
        relay(req, res);
      });
      // node's own default is 5 s, below any load balancer's idle timeout (a balancer then sends requests on
      // connections the gateway is closing); Fastify sets its 72 s only on servers it creates itself.
      server.keepAliveTimeout = config.clientIdleTimeout ?? 2 * config.requestTimeout;
      if (config.inboundHttp === 'lean')
        attachLeanPath(server, { prefix: '/v1/', maxBodyBytes: config.maxRequestSize, handle: relay });
      return server;
    },
  });
  registerOpsRoutes(app, config, store, metrics, () => draining);
  registerManagementApi(app, {
    store,
    managementToken: config.managementToken,
    encryptionKey,
    audit: (ev) => {
      if (config.auditEnabled) audit.push(ev);
    },
    onChange: () => gate.invalidate(),
    flushUses: (tokenId) => gate.flushUses(tokenId),
  });
  app.setNotFoundHandler((req, reply) => {
    const e = toErrorResponse(
      CoreErrors.error('not_found', { method: req.method, path: req.url.split('?')[0] ?? req.url }),
    );
    void reply.code(e.status).send(e.body);
  });
  const host = config.host ?? config.listenAddr.host;
  await app.listen({ host, port: config.port ?? config.listenAddr.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  log.info({ config: describeConfig(proxyConfig, config), provider: provider.name, port }, 'proxy started');
  return {
    url: `http://${shownHost}:${port}`,
    port,
    store,
    metrics,
    close: async () => {
      draining = true;
      const closed = app.close();
      const grace = new Promise<void>((r) => setTimeout(r, config.shutdownGrace).unref());
      await Promise.race([handler.idle(), grace]);
      app.server.closeAllConnections();
      await closed;
      // A request cut just above records itself once its upstream request has been aborted, a few ticks after its
      // connection closed (and after `closed` may have resolved): its audit record must be queued before the
      // final flush, so wait for it (bounded, in case a request never settles).
      const settled = new Promise<void>((r) => setTimeout(r, CUT_REQUESTS_SETTLE_MS).unref());
      await Promise.race([handler.idle(), settled]);
      await audit.close();
      await dispatcher.close();
      await store.close();
    },
  };
}

function registerOpsRoutes(
  app: FastifyInstance,
  config: ProxyConfig,
  store: Store,
  metrics: ProxyMetrics,
  draining: () => boolean,
): void {
  app.get('/health', async () => ({
    status: 'ok',
    timestamp: new Date().toISOString(),
    version: PROXY_VERSION,
  }));
  app.get('/live', async (_req, reply) => reply.type('text/plain').send('alive'));
  // Unlike the original's static answer: ready only while the database answers, is migrated, and we are not draining.
  app.get('/ready', async (_req, reply) => {
    const ok = !draining() && (await store.isReady().catch(() => false));
    return reply
      .code(ok ? 200 : 503)
      .type('text/plain')
      .send(ok ? 'ready' : draining() ? 'draining' : 'not ready');
  });
  if (!config.enableMetrics) return;
  app.get(config.metricsPath, async () => metrics.json());
  app.get(`${config.metricsPath.replace(/\/$/, '')}/prometheus`, async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
