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
const TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * `GET /manage/audit` query (first value of each parameter, see `queryParams`) → store query. Unlike the original,
 * a bad time or outcome is a 400 rather than an empty page, and page_size 0 cannot divide by zero.
 */
export function parseAuditQuery(raw: Readonly<Record<string, string | undefined>>): AuditQuery {
  const query: AuditQuery = {
    page: Math.max(1, intParam(raw['page']) ?? 1),
    pageSize: pageSize(intParam(raw['page_size'])),
  };
  for (const [param, field] of Object.entries(EXACT_FILTERS)) {
    const value = raw[param];
    if (value !== undefined && value !== '') query[field] = value;
  }
  const outcome = raw['outcome'];
  if (outcome !== undefined && outcome !== '') {
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
function intParam(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
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

function timeParam(
  raw: Readonly<Record<string, string | undefined>>,
  name: 'start_time' | 'end_time',
): Date | undefined {
  const value = raw[name];
  if (value === undefined || value === '') return undefined;
  const time = parseTime(value.trim());
  if (time === undefined) {
    throw manageError('invalid_query', {
      description: `${name} must be an RFC 3339 time, e.g. 2025-01-31T12:00:00Z`,
    });
  }
  return time;
}

/**
 * The time `text` names, or undefined. Each field is range-checked: Date.parse rolls 2020-02-30 over to March 1st
 * and reads 24:00 as the next day, so a filter would silently move instead of being refused.
 */
function parseTime(text: string): Date | undefined {
  const m = TIME_PATTERN.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(
    (part) => (part === undefined ? undefined : Number(part)),
  ) as [number, number, number, number?, number?, number?];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // rolls an impossible day over, which the check below catches
  const dayExists = date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!dayExists || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = m[8] ?? 'Z';
  if (!/^z$/i.test(offset) && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(-2)) > 59))
    return undefined;
  // Without an offset the time is UTC, as SQLite's datetime() read it (Date would read it as local time).
  const iso = `${m[1]}-${m[2]}-${m[3]}T${pad(hour)}:${pad(minute)}:${pad(second)}${m[7] ?? ''}${offset}`;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : new Date(time);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
