/**
 * A small human-readable formatter for pino's JSON lines, for `pretty: true` (interactive use). It avoids a
 * pino-pretty dependency and, being a destination, only ever sees lines the logger has already redacted.
 */
import type { DestinationStream } from 'pino';

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const LEVEL_COLORS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
/** Fields shown in the line prefix, or noise for a human reader. */
const PREFIX_KEYS = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname', 'err']);

interface Writable {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export class PrettyStream implements DestinationStream {
  private readonly color: boolean;

  constructor(
    private readonly out: Writable,
    color?: boolean,
  ) {
    this.color = color ?? out.isTTY === true;
  }

  write(line: string): void {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.out.write(line);
      return;
    }
    this.out.write(this.format(rec));
  }

  private format(rec: Record<string, unknown>): string {
    const level = typeof rec.level === 'number' ? rec.level : 30;
    const time = typeof rec.time === 'number' ? localTime(rec.time) : '';
    let label = LEVEL_NAMES[level] ?? String(rec.level);
    if (this.color) label = `\u001b[${LEVEL_COLORS[level] ?? '0'}m${label}\u001b[0m`;
    const name = typeof rec.name === 'string' ? ` [${rec.name}]` : '';
    const msg = typeof rec.msg === 'string' ? ` ${rec.msg}` : '';
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec)) if (!PREFIX_KEYS.has(k)) rest[k] = v;
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    return `${time} ${label}${name}${msg}${extra}${formatError(rec.err)}\n`;
  }
}

/** HH:MM:SS.mmm in local time: what a person reading a terminal compares with their clock. */
function localTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function formatError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const { stack, message } = err as { stack?: unknown; message?: unknown };
  const text =
    typeof stack === 'string' ? stack : typeof message === 'string' ? message : JSON.stringify(err);
  return '\n    ' + text.split('\n').join('\n    ');
}
