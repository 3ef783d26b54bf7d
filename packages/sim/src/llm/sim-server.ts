import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  CoreErrors,
  fromFrameworkError,
  monoNow,
  onJsonBody,
  sendError,
  toErrorResponse,
} from '@llmops/core';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerEmbeddingsRoute } from './embeddings-route.js';
import { chatCompletionsRoute, completionsRoute, type GenerationRoute } from './generation-routes.js';
import { registerOpsRoutes } from './ops-routes.js';
import { SimState, type SimLlmSettings } from './sim-state.js';

/** Where a server's errors are reported (a pino logger fits). */
export interface ErrorLog {
  error(obj: object, msg?: string): void;
}

export interface SimLlmApp {
  app: FastifyInstance;
  state: SimState;
}

/**
 * Builds the simulator without listening. The generation routes live in the app's own HTTP server (not in Fastify's
 * router), so they answer only once it listens; `app.inject` reaches the other routes.
 */
export function buildSimLlmApp(settings: SimLlmSettings, log?: ErrorLog): SimLlmApp {
  const state = new SimState(settings);
  const hot = new Map<string, GenerationRoute>([
    ['/v1/chat/completions', chatCompletionsRoute],
    ['/v1/completions', completionsRoute],
  ]);
  const app = Fastify({
    logger: false,
    bodyLimit: settings.bodyLimitBytes,
    keepAliveTimeout: 65_000,
    return503OnClosing: false,
    // The generation routes skip Fastify: its request pipeline costs ~30 µs a request here, more than the whole
    // simulated answer (README, design notes). Everything else is an ordinary Fastify route.
    serverFactory: (fastifyHandler) =>
      createServer((req, res) => {
        const route = req.method === 'POST' ? hot.get(pathOf(req.url)) : undefined;
        if (route) runHot(state, route, req, res, settings, log);
        else fastifyHandler(req, res);
      }),
  });
  if (settings.apiKey) app.addHook('onRequest', apiKeyCheck(settings.apiKey));
  app.setErrorHandler((err, req, reply) => sendFastifyError(err, req, reply, settings.bodyLimitBytes, log));
  app.setNotFoundHandler((req, reply) => {
    const path = pathOf(req.url);
    // A path served under another method is a 405 with Allow, as vLLM (Starlette) answers; only others are 404.
    const allow = ['GET', 'POST'].filter(
      (m) => (m === 'POST' && hot.has(path)) || app.findRoute({ method: m, url: path }) !== null,
    );
    const err =
      allow.length > 0
        ? CoreErrors.error(
            'method_not_allowed',
            { method: req.method, path },
            { headers: { allow: allow.join(', ') } },
          )
        : CoreErrors.error('not_found', { method: req.method, path });
    sendFastifyError(err, req, reply, settings.bodyLimitBytes, log);
  });
  registerOpsRoutes(app, state);
  registerEmbeddingsRoute(app, state);
  app.addHook('onClose', async () => state.stop());
  return { app, state };
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function runHot(
  state: SimState,
  route: GenerationRoute,
  req: IncomingMessage,
  res: ServerResponse,
  settings: SimLlmSettings,
  log?: ErrorLog,
): void {
  const receivedMono = monoNow();
  const fail = (err: unknown): void => {
    if (sendError(res, err) === 500 && log) log.error({ err, url: req.url }, 'request failed');
  };
  if (settings.apiKey && !keyMatches(settings.apiKey, req.headers.authorization)) {
    req.resume();
    fail(CoreErrors.error('invalid_api_key'));
    return;
  }
  onJsonBody(req, settings.bodyLimitBytes, (err, body) => {
    if (err) {
      fail(err);
      return;
    }
    try {
      route(state, req, res, body, receivedMono);
    } catch (e) {
      fail(e);
    }
  });
}

function keyMatches(apiKey: string, header: string | undefined): boolean {
  const expected = Buffer.from(`Bearer ${apiKey}`);
  const got = Buffer.from(header ?? '');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

function sendFastifyError(
  err: unknown,
  req: FastifyRequest,
  reply: FastifyReply,
  limitBytes: number,
  log?: ErrorLog,
): void {
  const mapped = fromFrameworkError(err, { limitBytes, contentType: req.headers['content-type'] });
  const res = toErrorResponse(mapped);
  if (res.status >= 500 && res.body.error.code === 'internal_error' && log)
    log.error({ err, url: req.url }, 'request failed');
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy();
    return;
  }
  void reply.code(res.status).headers(res.headers).send(res.body);
}

/** Only /v1 routes need the key; /health and /metrics stay open for probes and scrapers, as in vLLM. */
function apiKeyCheck(apiKey: string) {
  return async (req: FastifyRequest): Promise<void> => {
    if (req.url.startsWith('/v1/') && !keyMatches(apiKey, req.headers.authorization))
      throw CoreErrors.error('invalid_api_key');
  };
}
