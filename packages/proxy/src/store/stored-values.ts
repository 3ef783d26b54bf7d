/*
 * How values are written and read, in one place so another dialect changes only this file.
 *
 * Timestamps are written as ISO-8601 UTC with milliseconds. Reading also accepts what the Go original wrote
 * through mattn/go-sqlite3 (`2006-01-02 15:04:05.999999999-07:00`), SQLite's CURRENT_TIMESTAMP
 * (`2006-01-02 15:04:05`, UTC) and the Date objects the PostgreSQL and MySQL drivers return.
 */

export const TRUE = 1;
export const FALSE = 0;

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const LENIENT = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export function encodeDate(date: Date): string {
  return date.toISOString();
}

export function encodeBool(value: boolean): number {
  return value ? TRUE : FALSE;
}

/** True for text already in the form `encodeDate` writes (migration 003 rewrites everything else). */
export function isCanonicalTimestamp(value: unknown): boolean {
  return typeof value === 'string' && CANONICAL.test(value);
}

export function decodeDate(value: string | Date | number): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (CANONICAL.test(value)) return new Date(value);
  const m = LENIENT.exec(value.trim());
  const date = m === null ? undefined : new Date(lenientToIso(m));
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new Error(`Unreadable timestamp in the database: '${value}'.`);
  }
  return date;
}

export function decodeOptionalDate(value: string | Date | number | null): Date | null {
  return value === null ? null : decodeDate(value);
}

export function decodeBool(value: number | boolean | bigint | string): boolean {
  return value === true || value === 1 || value === 1n || value === '1';
}

/** Counters arrive as number (SQLite, MySQL) or text (pg BIGINT / COUNT). */
export function decodeCount(value: number | bigint | string): number {
  return typeof value === 'number' ? value : Number(value);
}

function lenientToIso(m: RegExpExecArray): string {
  const [, day, time, fraction = '', zone = 'Z'] = m;
  const millis = fraction.slice(0, 3).padEnd(3, '0');
  const offset =
    zone.toUpperCase() === 'Z' || zone.includes(':')
      ? zone.toUpperCase()
      : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${day ?? ''}T${time ?? ''}.${millis}${offset}`;
}
