import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditOutcome } from '../store/store.js';
import { auditRoutes } from './audit-routes.js';
import { cacheRoutes } from './cache-routes.js';
import { checkManagementToken } from './management-auth.js';
import type { AuditFields } from './manage-audit.js';
import { createManageContext, type ManageContext, type ManagementApiDeps } from './manage-context.js';
import { manageError, toManageErrorReply } from './manage-errors.js';
import type { ManageMethod, ManageRoute } from './manage-route.js';
import { projectRoutes } from './project-routes.js';
import { assignRequestIds } from './request-ids.js';
import { tokenRoutes } from './token-routes.js';

export const MANAGEMENT_PREFIX = '/manage';
const METHODS: readonly (ManageMethod | 'PUT')[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Serves the original's management API under `/manage` on `app`: projects, tokens, bulk revocation and the audit
 * log, behind `Authorization: Bearer <managementToken>`. Registered as an encapsulated plugin, so its auth hook,
 * body parser and error handler apply to `/manage/*` only. Routes exist once `app.ready()` (or `listen`) resolves.
 */
export function registerManagementApi(app: FastifyInstance, deps: ManagementApiDeps): void {
  const ctx = createManageContext(deps);
  void app.register(
    (scope, _opts, done) => {
      setUpScope(scope, ctx);
      done();
    },
    { prefix: MANAGEMENT_PREFIX },
  );
}

function setUpScope(scope: FastifyInstance, ctx: ManageContext): void {
  scope.decorateRequest('manageIds', null);
  acceptAnyJsonBody(scope);
  scope.addHook('onRequest', async (req, reply) => {
    assignRequestIds(req, reply);
    checkManagementToken(req, ctx.managementToken);
  });
  scope.setErrorHandler((err, req, reply) => answerError(ctx, err, req, reply));
  // Runs before the response is sent, so a client that revokes a token and then uses it sees the revocation. A
  // 4xx is refused before any write; a 5xx may come after one (the project updated, its tokens' revocation
  // failed), so caches are dropped then too.
  scope.addHook('onSend', async (req, reply, payload) => {
    const status = reply.statusCode;
    if (req.method !== 'GET' && (status < 400 || status >= 500)) ctx.onChange?.();
    return payload;
  });
  scope.setNotFoundHandler(async (req) => {
    throw manageError('route_not_found', {
      description: `${req.method} ${req.url.split('?')[0] ?? ''} is not a management API route`,
    });
  });
  const routes = [...projectRoutes(ctx), ...tokenRoutes(ctx), ...auditRoutes(ctx), ...cacheRoutes()];
  for (const r of routes) {
    scope.route({
      method: r.method,
      url: r.url,
      config: { auditAction: r.action, auditSubject: r.subject },
      handler: r.handler,
    });
  }
  registerMethodNotAllowed(scope, routes);
}

/**
 * The original decodes every body as JSON whatever its Content-Type (`curl -d` sends a form type), so this scope
 * does too; an empty body reaches the handler as undefined.
 */
function acceptAnyJsonBody(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text) as unknown);
    } catch (cause) {
      done(
        manageError('invalid_request_body', { description: 'the body is not valid JSON', cause }),
        undefined,
      );
    }
  });
}

/** Any other verb on a known path: 405 with the path's `Allow` list (the original answered a plain-text 405). */
function registerMethodNotAllowed(scope: FastifyInstance, routes: readonly ManageRoute[]): void {
  const byUrl = new Map<string, { served: Set<string>; allowed: string[] }>();
  for (const r of routes) {
    const entry = byUrl.get(r.url) ?? { served: new Set<string>(), allowed: [] };
    entry.served.add(r.method);
    if (r.allowed !== false) entry.allowed.push(r.method);
    byUrl.set(r.url, entry);
  }
  for (const [url, { served, allowed }] of byUrl) {
    const others = METHODS.filter((m) => !served.has(m));
    if (others.length === 0) continue;
    const headers = { Allow: allowed.join(', ') };
    scope.route({
      method: [...others],
      url,
      handler: () => Promise.reject(manageError('method_not_allowed', { headers })),
    });
  }
}

/** The scope's one error handler: maps, audits the failed action, answers. */
function answerError(ctx: ManageContext, err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const res = toManageErrorReply(err);
  if (res.unexpected) req.log.error({ err }, 'management request failed');
  const action = req.routeOptions.config.auditAction;
  if (action !== undefined) {
    ctx.record(req, action, { outcome: outcomeOf(res.status), reason: res.body.error, ...subjectOf(req) });
  }
  if (reply.sent) return;
  void reply.code(res.status).headers(res.headers).send(res.body);
}

function outcomeOf(status: number): AuditOutcome {
  if (status === 401 || status === 403) return 'denied';
  return status >= 500 ? 'error' : 'failure';
}

/** The project or token a failed request was about: its `:id`, or the body's project_id for token creation. */
function subjectOf(req: FastifyRequest): Pick<AuditFields, 'projectId' | 'tokenId'> {
  const subject = req.routeOptions.config.auditSubject;
  const { id } = (req.params ?? {}) as { id?: unknown };
  if (typeof id === 'string' && id !== '' && subject === 'project') return { projectId: id };
  if (typeof id === 'string' && id !== '' && subject === 'token') return { tokenId: id };
  const body = req.body as { project_id?: unknown } | undefined;
  return typeof body?.project_id === 'string' ? { projectId: body.project_id } : {};
}
