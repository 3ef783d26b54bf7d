import { timingSafeEqual } from 'node:crypto';
import { CoreErrors, fromFrameworkError, monoNow, toErrorResponse } from '@llmops/core';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerEmbeddingsRoute } from './embeddings-route.js';
import { registerGenerationRoutes } from './generation-routes.js';
import { registerOpsRoutes } from './ops-routes.js';
import { SimState, type SimLlmSettings } from './sim-state.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Monotonic time the request's headers were parsed. */
    receivedMono: number;
  }
}

/** Where a server's errors are reported (a pino logger fits). */
export interface ErrorLog {
  error(obj: object, msg?: string): void;
}

export interface SimLlmApp {
  app: FastifyInstance;
  state: SimState;
}

/** Builds the simulator as a Fastify app without listening: tests call it in-process with `app.inject`. */
export function buildSimLlmApp(settings: SimLlmSettings, log?: ErrorLog): SimLlmApp {
  const state = new SimState(settings);
  const app = Fastify({ logger: false, bodyLimit: settings.bodyLimitBytes, keepAliveTimeout: 65_000, return503OnClosing: false });
  // Stamped before the body is read, so the ground-truth TTFT starts as close to the client's send as Node allows.
  app.decorateRequest('receivedMono', 0);
  app.addHook('onRequest', (req, _reply, done) => {
    req.receivedMono = monoNow();
    done();
  });
  if (settings.apiKey) app.addHook('onRequest', apiKeyCheck(settings.apiKey));
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply, settings.bodyLimitBytes, log));
  app.setNotFoundHandler((req, reply) => {
    sendError(CoreErrors.error('not_found', { method: req.method, path: req.url.split('?')[0] ?? req.url }), req, reply, settings.bodyLimitBytes, log);
  });
  registerOpsRoutes(app, state);
  registerGenerationRoutes(app, state);
  registerEmbeddingsRoute(app, state);
  app.addHook('onClose', async () => state.stop());
  return { app, state };
}

function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply, limitBytes: number, log?: ErrorLog): void {
  const mapped = fromFrameworkError(err, { limitBytes, contentType: req.headers['content-type'] });
  const res = toErrorResponse(mapped);
  if (res.status >= 500 && res.body.error.code === 'internal_error' && log) log.error({ err, url: req.url }, 'request failed');
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy();
    return;
  }
  void reply.code(res.status).headers(res.headers).send(res.body);
}

/** Only /v1 routes need the key; /health and /metrics stay open for probes and scrapers, as in vLLM. */
function apiKeyCheck(apiKey: string) {
  const expected = Buffer.from(`Bearer ${apiKey}`);
  return async (req: FastifyRequest): Promise<void> => {
    if (!req.url.startsWith('/v1/')) return;
    const got = Buffer.from(req.headers.authorization ?? '');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw CoreErrors.error('invalid_api_key');
  };
}
