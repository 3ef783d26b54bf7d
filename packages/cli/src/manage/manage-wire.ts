import { z } from 'zod';

/*
 * What the CLI reads from the management API. Loose (unknown fields kept, for --json) and lenient where the Go
 * original answers with less (its token-create answer has only id, token, expires_at, max_requests), so the CLI
 * works against either server.
 */

const time = z.string();

export const ProjectSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  api_key: z.string().optional(),
  upstream_url: z.string().nullish(),
  is_active: z.boolean().optional(),
  deactivated_at: time.nullish(),
  created_at: time.optional(),
  updated_at: time.optional(),
});
export type ProjectView = z.output<typeof ProjectSchema>;

export const TokenSchema = z.looseObject({
  id: z.string(),
  token: z.string(),
  project_id: z.string().optional(),
  expires_at: time.nullish(),
  is_active: z.boolean().optional(),
  request_count: z.number().optional(),
  /** null or 0 = unlimited. */
  max_requests: z.number().nullish(),
  created_at: time.optional(),
  last_used_at: time.nullish(),
  cache_hit_count: z.number().optional(),
});
export type TokenView = z.output<typeof TokenSchema>;

/** `{"error": "...", "code"?: "..."}`: the original's error body (sent as text/plain by the original). */
export const ErrorBodySchema = z.looseObject({
  error: z.string(),
  code: z.string().optional(),
  message: z.string().optional(),
  description: z.string().optional(),
});

/** `{"deleted": bool}` for an exact purge, `{"deleted": n}` for a prefix purge. */
export const PurgeCacheSchema = z.looseObject({ deleted: z.union([z.boolean(), z.number()]) });
export type PurgeCacheView = z.output<typeof PurgeCacheSchema>;
