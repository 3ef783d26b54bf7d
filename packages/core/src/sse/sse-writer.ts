/**
 * The one Server-Sent Events writer of llmops. Every byte of SSE framing the project emits comes from here, so the
 * framing rules (one `data:` line per data line, a blank line per event) live in exactly one place and are checked
 * against {@link SseParser} by property tests.
 */
import type { SseEvent } from './sse-parser.js';

/** What {@link sseEvent} serializes. Absent fields are not written. */
export interface SseEventInit {
  data: string;
  event?: string;
  id?: string;
  retry?: number;
}

/** The data of the OpenAI end-of-stream sentinel event, as the parser yields it. */
export const SSE_DONE_DATA = '[DONE]';

/** The OpenAI end-of-stream sentinel event, ready to write. */
export const SSE_DONE = 'data: [DONE]\n\n';

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Serializes one event. SSE cannot carry a CR or LF inside a field, so each line of `data` becomes its own
 * `data:` line; the parser joins them back with `\n` (a `\r\n` or `\r` in `data` therefore comes back as `\n`).
 * Throws a RangeError for an `event` or `id` that cannot be framed, or a `retry` that is not a non-negative
 * safe integer, rather than emit a stream that would parse differently from what the caller meant.
 */
export function sseEvent(init: SseEventInit): string {
  let out = '';
  if (init.event !== undefined) {
    if (hasLineBreak(init.event)) throw new RangeError('SSE event name must not contain CR or LF');
    out += 'event: ' + init.event + '\n';
  }
  if (init.id !== undefined) {
    if (hasLineBreak(init.id) || init.id.includes('\0')) {
      throw new RangeError('SSE id must not contain CR, LF or NUL');
    }
    out += 'id: ' + init.id + '\n';
  }
  if (init.retry !== undefined) {
    if (!Number.isSafeInteger(init.retry) || init.retry < 0) {
      throw new RangeError(`SSE retry must be a non-negative integer, got ${init.retry}`);
    }
    out += 'retry: ' + String(init.retry) + '\n';
  }
  return out + dataLines(init.data) + '\n';
}

/** Serializes an unnamed event carrying `data`; the common single-line case costs one concatenation. */
export function sseData(data: string): string {
  if (!hasLineBreak(data)) return 'data: ' + data + '\n\n';
  return dataLines(data) + '\n';
}

/** Serializes `value` as JSON in an unnamed event. JSON.stringify without indentation never emits a line break. */
export function sseJson(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError(`sseJson: value is not JSON-serializable (${typeof value})`);
  return 'data: ' + json + '\n\n';
}

/**
 * Serializes a comment (e.g. a heartbeat), one `:` line per line of `text`, followed by a blank line so that
 * clients which split the stream on blank lines see a complete block. Parsers ignore it (and dispatch nothing).
 */
export function sseComment(text: string): string {
  if (text.length === 0) return ':\n\n';
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += ': ' + line + '\n';
  return out + '\n';
}

/** True for the OpenAI `data: [DONE]` end-of-stream sentinel. */
export function isDone(ev: SseEvent): boolean {
  return ev.data === SSE_DONE_DATA;
}

// Two indexOf calls beat a regex on the short strings this sees on the hot path.
function hasLineBreak(s: string): boolean {
  return s.indexOf('\n') !== -1 || s.indexOf('\r') !== -1;
}

function dataLines(data: string): string {
  if (!hasLineBreak(data)) return 'data: ' + data + '\n';
  let out = '';
  for (const line of data.split(LINE_BREAK)) out += 'data: ' + line + '\n';
  return out;
}
