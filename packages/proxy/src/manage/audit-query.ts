import type { AuditOutcome, AuditQuery } from '../store/store.js';
import { manageError } from './manage-errors.js';

export const DEFAULT_AUDIT_PAGE_SIZE = 20;
export const MAX_AUDIT_PAGE_SIZE = 100;

const OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'denied', 'error'];

/** Exact-match filters: query parameter → AuditQuery field (the original's names). */
const EXACT_FILTERS = {
  action: 'action',
  client_ip: 'clientIp',
  project_id: 'projectId',
  actor: 'actor',
  request_id: 'requestId',
  correlation_id: 'correlationId',
  method: 'method',
  path: 'path',
  search: 'search',
} as const satisfies Record<string, keyof AuditQuery>;

/** RFC 3339 date-time, or a date, or SQLite's `YYYY-MM-DD HH:MM:SS` (the original handed the value to SQLite). */
const TIME_PATTERN = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * `GET /manage/audit` query → store query. Unlike the original, a bad time or outcome is a 400 rather than an
 * empty page, and page_size 0 cannot divide by zero.
 */
export function parseAuditQuery(raw: Record<string, unknown>): AuditQuery {
  const query: AuditQuery = {
    page: Math.max(1, intParam(raw['page']) ?? 1),
    pageSize: pageSize(intParam(raw['page_size'])),
  };
  for (const [param, field] of Object.entries(EXACT_FILTERS)) {
    const value = raw[param];
    if (typeof value === 'string' && value !== '') query[field] = value;
  }
  const outcome = raw['outcome'];
  if (typeof outcome === 'string' && outcome !== '') {
    if (!isOutcome(outcome)) {
      throw manageError('invalid_query', { description: `outcome must be one of ${OUTCOMES.join(', ')}` });
    }
    query.outcome = outcome;
  }
  const startTime = timeParam(raw, 'start_time');
  if (startTime) query.startTime = startTime;
  const endTime = timeParam(raw, 'end_time');
  if (endTime) query.endTime = endTime;
  return query;
}

/** Like Go's `Sscanf("%d")`: the leading integer, or undefined. */
function intParam(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\s*([+-]?\d{1,9})/.exec(value);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function pageSize(requested: number | undefined): number {
  if (requested === undefined || requested < 1) return DEFAULT_AUDIT_PAGE_SIZE;
  return Math.min(requested, MAX_AUDIT_PAGE_SIZE);
}

function isOutcome(value: string): value is AuditOutcome {
  return (OUTCOMES as readonly string[]).includes(value);
}

function timeParam(raw: Record<string, unknown>, name: 'start_time' | 'end_time'): Date | undefined {
  const value = raw[name];
  if (typeof value !== 'string' || value === '') return undefined;
  const match = TIME_PATTERN.exec(value.trim());
  // Without an offset the time is UTC, as SQLite's datetime() read it (Date would read it as local time).
  const iso = match ? `${match[1]}T${match[2] ?? '00:00:00'}${match[3] ?? 'Z'}` : undefined;
  const time = iso === undefined ? NaN : Date.parse(iso);
  if (Number.isNaN(time)) {
    throw manageError('invalid_query', {
      description: `${name} must be an RFC 3339 time, e.g. 2025-01-31T12:00:00Z`,
    });
  }
  return new Date(time);
}
