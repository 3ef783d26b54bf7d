import type { Kysely } from 'kysely';
import { toProject, toToken, type TokenRow } from './row-mappers.js';
import type { Database } from './schema.js';
import { decodeBool, decodeCount, decodeOptionalDate, encodeDate, TRUE } from './stored-values.js';
import type { TokenUse } from './store.js';

type Refusal = Extract<TokenUse, { ok: false }>['reason'];

/*
 * The per-request token check. One conditional UPDATE decides and counts at once, so the database — not the
 * process — serialises concurrent requests: under any concurrency, across processes and instances, exactly
 * `max_requests` calls succeed. Only when it changes no row is a second statement read to say why.
 *
 * Unlike the original, unlimited tokens are counted by the same statement (no async batch that drops updates), and
 * the project must be active (the original's guard was never wired, §9.1).
 */

/** Attempts before giving up on a token whose state flips between the UPDATE and the diagnosis. */
const ATTEMPTS = 3;

export async function useToken(db: Kysely<Database>, tokenHash: string, now: Date): Promise<TokenUse> {
  const at = encodeDate(now);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const row = await countUse(db, tokenHash, at);
    if (row !== undefined) {
      const project = await db
        .selectFrom('projects')
        .selectAll()
        .where('id', '=', row.project_id)
        .executeTakeFirst();
      // The project was active a moment ago; only a concurrent delete (which cascades to the token) gets here.
      if (project === undefined) return { ok: false, reason: 'not_found' };
      return { ok: true, token: toToken(row), project: toProject(project) };
    }
    const reason = await diagnose(db, tokenHash, now);
    if (reason !== undefined) return { ok: false, reason };
    // Nothing is wrong any more (reactivated, limit raised…) and nothing was counted, so try again.
  }
  // Unreachable in practice; refusing is the safe answer when the state will not settle.
  return { ok: false, reason: 'quota_exceeded' };
}

/**
 * UPDATE tokens SET request_count = request_count + 1, last_used_at = :now
 * WHERE token = :hash AND is_active = 1 AND (expires_at IS NULL OR expires_at > :now)
 *   AND (max_requests IS NULL OR max_requests <= 0 OR request_count < max_requests)
 *   AND EXISTS (SELECT 1 FROM projects WHERE projects.id = tokens.project_id AND projects.is_active = 1)
 * RETURNING *
 *
 * RETURNING is in SQLite ≥ 3.35 and PostgreSQL; MySQL has none and will need UPDATE then SELECT in a transaction.
 */
function countUse(db: Kysely<Database>, tokenHash: string, at: string): Promise<TokenRow | undefined> {
  return db
    .updateTable('tokens')
    .set((eb) => ({ request_count: eb('request_count', '+', 1).$castTo<number>(), last_used_at: at }))
    .where('token', '=', tokenHash)
    .where('is_active', '=', TRUE)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .where((eb) =>
      eb.or([
        eb('max_requests', 'is', null),
        eb('max_requests', '<=', 0),
        eb('request_count', '<', eb.ref('max_requests')),
      ]),
    )
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('projects')
          .select('projects.id')
          .whereRef('projects.id', '=', 'tokens.project_id')
          .where('projects.is_active', '=', TRUE),
      ),
    )
    .returningAll()
    .executeTakeFirst();
}

/** Why the UPDATE changed nothing, checked in the order the client is told: existence, revocation, expiry, … */
export async function diagnose(
  db: Kysely<Database>,
  tokenHash: string,
  now: Date,
): Promise<Refusal | undefined> {
  const row = await db
    .selectFrom('tokens')
    .leftJoin('projects', 'projects.id', 'tokens.project_id')
    .select([
      'tokens.is_active as tokenActive',
      'tokens.expires_at as expiresAt',
      'tokens.request_count as requestCount',
      'tokens.max_requests as maxRequests',
      'projects.is_active as projectActive',
    ])
    .where('tokens.token', '=', tokenHash)
    .executeTakeFirst();
  if (row === undefined) return 'not_found';
  if (!decodeBool(row.tokenActive)) return 'inactive';
  const expiresAt = decodeOptionalDate(row.expiresAt);
  if (expiresAt !== null && expiresAt.getTime() <= now.getTime()) return 'expired';
  if (row.projectActive === null || !decodeBool(row.projectActive)) return 'project_inactive';
  if (row.maxRequests !== null && row.maxRequests > 0 && decodeCount(row.requestCount) >= row.maxRequests) {
    return 'quota_exceeded';
  }
  return undefined;
}
