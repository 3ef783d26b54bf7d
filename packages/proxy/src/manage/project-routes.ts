import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Project, ProjectPatch } from '../store/store.js';
import {
  assertNotObfuscated,
  CreateProjectBody,
  parseBody,
  parseUpstreamUrl,
  UpdateProjectBody,
  type UpdateProjectInput,
} from './manage-bodies.js';
import type { ManageContext } from './manage-context.js';
import { manageError } from './manage-errors.js';
import { idParam, type ManageRoute } from './manage-route.js';
import { projectWire, storedApiKey } from './wire-views.js';

/** `/manage/projects` and `/manage/projects/:id`, as in the original's `handleProjects` / `handleProjectByID`. */
export function projectRoutes(ctx: ManageContext): ManageRoute[] {
  return [
    { method: 'GET', url: '/projects', action: 'project.list', handler: (req) => listProjects(ctx, req) },
    {
      method: 'POST',
      url: '/projects',
      action: 'project.create',
      handler: (req, reply) => createProject(ctx, req, reply),
    },
    {
      method: 'GET',
      url: '/projects/:id',
      action: 'project.read',
      subject: 'project',
      handler: (req) => getProject(ctx, req),
    },
    {
      method: 'PATCH',
      url: '/projects/:id',
      action: 'project.update',
      subject: 'project',
      handler: (req) => updateProject(ctx, req),
    },
    {
      method: 'DELETE',
      url: '/projects/:id',
      action: 'project.delete',
      subject: 'project',
      allowed: false,
      // Deleting would cascade to tokens and orphan audit history; the original refuses it and so do we.
      handler: () =>
        Promise.reject(manageError('project_deletion_not_allowed', { headers: { Allow: 'GET, PATCH' } })),
    },
    {
      method: 'POST',
      url: '/projects/:id/tokens/revoke',
      action: 'token.revoke_batch',
      subject: 'project',
      handler: (req) => revokeProjectTokens(ctx, req),
    },
  ];
}

async function listProjects(ctx: ManageContext, req: FastifyRequest): Promise<unknown> {
  const projects = await ctx.store.listProjects();
  ctx.record(req, 'project.list', { outcome: 'success', details: { project_count: projects.length } });
  return projects.map((p) => projectWire(p, ctx.encryptionKey));
}

async function getProject(ctx: ManageContext, req: FastifyRequest): Promise<unknown> {
  const project = await findProject(ctx, idParam(req, 'invalid_project_id'));
  ctx.record(req, 'project.read', { outcome: 'success', projectId: project.id });
  return projectWire(project, ctx.encryptionKey);
}

async function createProject(ctx: ManageContext, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const body = parseBody(CreateProjectBody, req.body);
  const name = body.name ?? '';
  const apiKey = body.api_key ?? '';
  if (name === '' || apiKey === '') throw manageError('name_and_api_key_required');
  // As PATCH: a name of spaces cannot be told apart in a listing (the original accepted it on both).
  if (name.trim() === '') {
    throw manageError('name_and_api_key_required', { description: 'name must not be blank' });
  }
  assertNotObfuscated(apiKey);
  const upstreamUrl = parseUpstreamUrl(body.upstream_url);
  const project = await ctx.store.createProject({
    id: randomUUID(),
    name,
    apiKeyStored: storedApiKey(apiKey, ctx.encryptionKey),
    upstreamUrl,
  });
  ctx.record(req, 'project.create', {
    outcome: 'success',
    projectId: project.id,
    details: { project_name: name, upstream_url: upstreamUrl },
  });
  return reply.code(201).send(projectWire(project, ctx.encryptionKey));
}

async function updateProject(ctx: ManageContext, req: FastifyRequest): Promise<unknown> {
  const id = idParam(req, 'invalid_project_id');
  const body = parseBody(UpdateProjectBody, req.body);
  const revokeTokens = body.revoke_tokens ?? undefined;
  // As the original: sending revoke_tokens at all (even false) only makes sense while deactivating.
  if (revokeTokens !== undefined && body.is_active !== false)
    throw manageError('revoke_tokens_requires_inactive');
  const current = await findProject(ctx, id);
  const patch = projectPatch(ctx, current, body);
  const updated = (await ctx.store.updateProject(current.id, patch)) ?? throwNotFound();
  const details: Record<string, unknown> = {
    updated_fields: updatedFields(patch),
    project_name: updated.name,
  };
  // Also when the project was already inactive: deactivating first and revoking later must still revoke.
  if (revokeTokens === true && body.is_active === false) {
    const revoked = await ctx.store.revokeProjectTokens(current.id);
    details['tokens_revoked'] = revoked.revoked;
  }
  ctx.record(req, 'project.update', { outcome: 'success', projectId: current.id, details });
  return projectWire(updated, ctx.encryptionKey);
}

/** Only what actually changes; an empty api_key is ignored as in the original. */
function projectPatch(ctx: ManageContext, current: Project, body: UpdateProjectInput): ProjectPatch {
  const patch: ProjectPatch = {};
  if (body.name !== undefined && body.name !== null) {
    if (body.name.trim() === '') throw manageError('name_required');
    if (body.name !== current.name) patch.name = body.name;
  }
  if (body.api_key !== undefined && body.api_key !== null && body.api_key !== '') {
    assertNotObfuscated(body.api_key);
    patch.apiKeyStored = storedApiKey(body.api_key, ctx.encryptionKey);
  }
  if (body.upstream_url !== undefined) patch.upstreamUrl = parseUpstreamUrl(body.upstream_url);
  if (body.is_active !== undefined && body.is_active !== null && body.is_active !== current.isActive) {
    patch.isActive = body.is_active;
  }
  return patch;
}

/** The audit record's `updated_fields`: the wire names, in the original's order, `deactivated_at` with a deactivation. */
function updatedFields(patch: ProjectPatch): string[] {
  const fields: string[] = [];
  if (patch.name !== undefined) fields.push('name');
  if (patch.apiKeyStored !== undefined) fields.push('api_key');
  if (patch.upstreamUrl !== undefined) fields.push('upstream_url');
  if (patch.isActive !== undefined) fields.push('is_active');
  if (patch.isActive === false) fields.push('deactivated_at');
  return fields;
}

async function revokeProjectTokens(ctx: ManageContext, req: FastifyRequest): Promise<unknown> {
  const project = await findProject(ctx, idParam(req, 'invalid_path'));
  const counts = await ctx.store.revokeProjectTokens(project.id);
  ctx.record(req, 'token.revoke_batch', {
    outcome: 'success',
    projectId: project.id,
    details: {
      total_tokens: counts.total,
      revoked_count: counts.revoked,
      already_revoked_count: counts.alreadyRevoked,
    },
  });
  return {
    revoked_count: counts.revoked,
    already_revoked_count: counts.alreadyRevoked,
    total_tokens: counts.total,
  };
}

async function findProject(ctx: ManageContext, id: string): Promise<Project> {
  return (await ctx.store.getProject(id)) ?? throwNotFound();
}

function throwNotFound(): never {
  throw manageError('project_not_found');
}
