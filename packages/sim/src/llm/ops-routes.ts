import type { FastifyInstance } from 'fastify';
import { timelineFigures } from './ground-truth.js';
import { SimErrors } from './sim-errors.js';
import type { SimState } from './sim-state.js';

export const SIM_VERSION = '0.1.0';

/** Health, version, model list, Prometheus metrics and the ground-truth timelines. */
export function registerOpsRoutes(app: FastifyInstance, state: SimState): void {
  app.get('/health', async (_req, reply) => reply.code(200).send(''));
  app.get('/version', async () => ({ version: SIM_VERSION }));
  app.get('/v1/models', async () => ({
    object: 'list',
    data: [...state.models.values()].map(({ profile }) => ({
      id: profile.id,
      object: 'model',
      created: state.startedAt,
      owned_by: profile.ownedBy,
      root: profile.id,
      parent: null,
      max_model_len: profile.maxModelLen,
    })),
  }));
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', state.metrics.registry.contentType);
    return state.metrics.registry.metrics();
  });
  app.get<{ Params: { id: string } }>('/sim/requests/:id', async (req) => {
    const t = state.timelines.get(req.params.id);
    if (!t) throw SimErrors.error('timeline_not_found', { id: req.params.id }, { param: 'id' });
    return { ...t, ...timelineFigures(t) };
  });
  app.get<{ Querystring: { limit?: string } }>('/sim/requests', async (req) => {
    const limit = Math.min(10_000, Math.max(1, Number(req.query.limit ?? 100) || 100));
    return { data: state.timelines.recent(limit).map((t) => ({ ...t, ...timelineFigures(t) })) };
  });
}
