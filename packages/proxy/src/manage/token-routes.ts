import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { generateToken, obfuscateToken } from '../crypto/index.js';
import type { Token, TokenPatch } from '../store/store.js';
import { CreateTokenBody, parseBody, UpdateTokenBody } from './manage-bodies.js';
import type { ManageContext } from './manage-context.js';
import { manageError } from './manage-errors.js';
import { idParam, queryParams, type ManageRoute } from './manage-route.js';
import { storedTokenForm, tokenWire } from './wire-views.js';

/** One year, the original's `maxDurationMinutes`. */
export const MAX_DURATION_MINUTES = 525_600;
const MINUTE_MS = 60_000;

/** `/manage/tokens` and `/manage/tokens/:id`, as in the original's `handleTokens` / `handleTokenByID`. */
export function tokenRoutes(ctx: ManageContext): ManageRoute[] {
  return [
    {
      method: 'POST',
      url: '/tokens',
      action: 'token.create',
      handler: (req, reply) => createToken(ctx, req, reply),
    },
    { method: 'GET', url: '/tokens', action: 'token.list', handler: (req) => listTokens(ctx, req) },
    {
      method: 'GET',
      url: '/tokens/:id',
      action: 'token.read',
      subject: 'token',
      handler: (req) => getToken(ctx, req),
    },
    {
      method: 'PATCH',
      url: '/tokens/:id',
      action: 'token.update',
      subject: 'token',
      handler: (req) => updateToken(ctx, req),
    },
    {
      method: 'DELETE',
      url: '/tokens/:id',
      action: 'token.revoke',
      subject: 'token',
      handler: (req, reply) => revokeToken(ctx, req, reply),
    },
  ];
}

/** Checks run in the original's order, so each invalid body gets the message the original gave it. */
async function createToken(ctx: ManageContext, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const body = parseBody(CreateTokenBody, req.body);
  const duration = body.duration_minutes ?? 0;
  if (duration > MAX_DURATION_MINUTES) {
    throw manageError('duration_too_long', {
      description: `the maximum is ${String(MAX_DURATION_MINUTES)} minutes (one year)`,
    });
  }
  if (duration <= 0) throw manageError('project_id_and_duration_required');
  const projectId = body.project_id ?? '';
  if (projectId === '') throw manageError('project_id_required');
  const maxRequests = body.max_requests ?? null;
  if (maxRequests !== null && maxRequests < 0) throw manageError('max_requests_negative');
  const project = await ctx.store.getProject(projectId);
  if (!project) throw manageError('project_not_found');
  if (!project.isActive) throw manageError('project_inactive');

  const now = ctx.now();
  const clear = generateToken(now.getTime());
  const token = await ctx.store.createToken({
    id: randomUUID(),
    tokenHash: storedTokenForm(clear, ctx.encryptionKey),
    obfuscated: obfuscateToken(clear),
    projectId,
    expiresAt: new Date(now.getTime() + duration * MINUTE_MS),
    // 0 means unlimited, stored as null like the original.
    maxRequests: maxRequests !== null && maxRequests > 0 ? maxRequests : null,
  });
  ctx.record(req, 'token.create', {
    outcome: 'success',
    projectId,
    tokenId: token.id,
    details: {
      duration_minutes: duration,
      expires_at: token.expiresAt?.toISOString(),
      max_requests: token.maxRequests,
    },
  });
  return reply.code(201).send(tokenWire(token, clear));
}

async function listTokens(ctx: ManageContext, req: FastifyRequest): Promise<unknown> {
  const query = queryParams(req);
  // The original reads `projectId` (camelCase); `project_id` (the spelling of every body field) is accepted too
  // rather than silently listing every project's tokens.
  const raw = query['projectId'] ?? query['project_id'];
  const projectId = raw !== undefined && raw !== '' ? raw : undefined;
  const activeOnly = query['activeOnly'] === 'true' || query['activeOnly'] === '1';
  // Newest first (the store's order). activeOnly is in the OpenAPI spec; the original ignored it.
  const tokens = (await ctx.store.listTokens(projectId)).filter((t) => !activeOnly || t.isActive);
  const details: Record<string, unknown> = { token_count: tokens.length };
  if (projectId !== undefined) details['filtered_by_project'] = true;
  ctx.record(req, 'token.list', { outcome: 'success', projectId, details });
  return tokens.map((t) => tokenWire(t));
}

async function getToken(ctx: ManageContext, req: FastifyRequest): Promise<unknown> {
  const token = await findToken(ctx, idParam(req, 'token_id_required'));
  ctx.record(req, 'token.read', { outcome: 'success', tokenId: token.id, projectId: token.projectId });
  return tokenWire(token);
}

async function updateToken(ctx: ManageContext, req: FastifyRequest): Promise<unknown> {
  const id = idParam(req, 'token_id_required');
  const body = parseBody(UpdateTokenBody, req.body);
  const current = await findToken(ctx, id);
  const patch: TokenPatch = {};
  if (body.max_requests !== undefined && body.max_requests !== null) {
    if (body.max_requests < 0) throw manageError('max_requests_negative');
    patch.maxRequests = body.max_requests === 0 ? null : body.max_requests;
  }
  if (body.is_active !== undefined && body.is_active !== null) patch.isActive = body.is_active;
  if (Object.keys(patch).length === 0) {
    throw manageError('no_fields_to_update', { description: 'send is_active and/or max_requests' });
  }
  // Uses of an unlimited token are counted in memory and stored in batches: store them first, so a new limit
  // counts every use admitted so far rather than starting below the real count.
  if (typeof patch.maxRequests === 'number') await ctx.flushUses?.(current.id);
  // A patch of the named fields only: request_count is never rewritten (the original's lost update, §9.11).
  const updated = (await ctx.store.updateToken(current.id, patch)) ?? throwNotFound();
  const details: Record<string, unknown> = {};
  if (patch.isActive !== undefined) details['updated_is_active'] = patch.isActive;
  if ('maxRequests' in patch) details['updated_max_requests'] = patch.maxRequests ?? 'unlimited';
  ctx.record(req, 'token.update', {
    outcome: 'success',
    tokenId: current.id,
    projectId: current.projectId,
    details,
  });
  return tokenWire(updated);
}

/** Revocation deactivates; revoking a revoked token is a success (204), as in the original. */
async function revokeToken(ctx: ManageContext, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const token = await findToken(ctx, idParam(req, 'token_id_required'));
  const alreadyRevoked = !token.isActive;
  if (!alreadyRevoked) await ctx.store.updateToken(token.id, { isActive: false });
  ctx.record(req, 'token.revoke', {
    outcome: 'success',
    tokenId: token.id,
    projectId: token.projectId,
    ...(alreadyRevoked ? { details: { already_revoked: true } } : {}),
  });
  return reply.code(204).send();
}

async function findToken(ctx: ManageContext, id: string): Promise<Token> {
  return (await ctx.store.getToken(id)) ?? throwNotFound();
}

function throwNotFound(): never {
  throw manageError('token_not_found');
}
