import { uuidV7 } from '../crypto/tokens.js';
import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import { toAuditEvent, toAuditRow } from './row-mappers.js';
import type { AuditEventsTable, Database } from './schema.js';
import { decodeCount, encodeDate } from './stored-values.js';
import type { AuditEvent, AuditQuery, NewAuditEvent, Page } from './store.js';

/*
 * The audit log: batched inserts and the filtered, paginated listing behind GET /manage/audit.
 */

/**
 * Rows per INSERT. 15 columns × 500 = 7,500 parameters, well under the limits of SQLite (32,766), PostgreSQL and
 * MySQL (65,535).
 */
const ROWS_PER_INSERT = 500;

type ExactField =
  | 'action'
  | 'clientIp'
  | 'projectId'
  | 'outcome'
  | 'actor'
  | 'requestId'
  | 'correlationId'
  | 'method'
  | 'path';

/** Exact-match filters: query field → column. */
const EXACT_FILTERS: Readonly<Record<ExactField, keyof AuditEventsTable>> = {
  action: 'action',
  clientIp: 'client_ip',
  projectId: 'project_id',
  outcome: 'outcome',
  actor: 'actor',
  requestId: 'request_id',
  correlationId: 'correlation_id',
  method: 'method',
  path: 'path',
};

/** The original's search columns plus the other ids (`id`, `project_id`, `token_id`). */
const SEARCH_COLUMNS = [
  'id',
  'request_id',
  'correlation_id',
  'project_id',
  'token_id',
  'client_ip',
  'action',
  'actor',
  'method',
  'path',
  'reason',
  'metadata',
] as const;

/** `!` rather than backslash: MySQL string literals treat `\` as an escape themselves, `!` means the same everywhere. */
const LIKE_ESCAPE = '!';

/** Inserts the batch atomically: one statement when it fits, else one transaction around several. */
export async function appendAudit(db: Kysely<Database>, events: readonly NewAuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => toAuditRow(e, e.id ?? uuidV7()));
  if (rows.length <= ROWS_PER_INSERT) {
    await db.insertInto('audit_events').values(rows).execute();
    return;
  }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      await trx
        .insertInto('audit_events')
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .execute();
    }
  });
}

/** Newest first (ties broken by id, so pages never overlap), with the total count of matching events. */
export async function queryAudit(db: Kysely<Database>, q: AuditQuery): Promise<Page<AuditEvent>> {
  const page = Math.max(1, Math.floor(q.page));
  const pageSize = Math.max(1, Math.floor(q.pageSize));
  const matching = filtered(db.selectFrom('audit_events'), q);
  const [rows, count] = await Promise.all([
    matching
      .selectAll()
      .orderBy('timestamp', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    matching.select((eb) => eb.fn.countAll<number | string | bigint>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toAuditEvent), totalCount: decodeCount(count.n) };
}

export async function getAudit(db: Kysely<Database>, id: string): Promise<AuditEvent | undefined> {
  const row = await db.selectFrom('audit_events').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toAuditEvent(row);
}

type AuditSelect<O> = SelectQueryBuilder<Database, 'audit_events', O>;

/**
 * Applies every filter of the query. The time range compares canonical ISO text with a parameter computed here,
 * which is correct in every dialect (the original wrapped it in SQLite's `datetime()`, §9.10).
 */
function filtered<O>(qb: AuditSelect<O>, q: AuditQuery): AuditSelect<O> {
  let out = qb;
  for (const field of Object.keys(EXACT_FILTERS) as ExactField[]) {
    const value = q[field];
    if (value !== undefined && value !== '') out = out.where(EXACT_FILTERS[field], '=', value);
  }
  if (q.startTime !== undefined) out = out.where('timestamp', '>=', encodeDate(q.startTime));
  if (q.endTime !== undefined) out = out.where('timestamp', '<=', encodeDate(q.endTime));
  const search = q.search;
  if (search !== undefined && search !== '') out = out.where((eb) => matchesSearch(eb, search));
  return out;
}

/**
 * Case-insensitive substring match over the search columns. `lower()` on both sides because LIKE's case rules
 * differ (SQLite: ASCII-insensitive, PostgreSQL: sensitive, MySQL: per collation); SQLite's lower() folds ASCII
 * only, so there non-ASCII letters stay case-sensitive. `%` and `_` typed by the user are escaped so they match
 * themselves.
 */
function matchesSearch(eb: ExpressionBuilder<Database, 'audit_events'>, search: string) {
  const escaped = search.toLowerCase().replace(/[!%_]/g, (c) => LIKE_ESCAPE + c);
  const pattern = `%${escaped}%`;
  return eb.or(
    SEARCH_COLUMNS.map(
      (column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape ${sql.lit(LIKE_ESCAPE)}`,
    ),
  );
}
