/**
 * Property tests: whatever the events, line-end styles and chunk boundaries, writer → bytes → parser gives back
 * exactly the events (and comments) that were written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';
import type { SseEvent } from './sse-parser.js';
import { sseComment, sseData, sseEvent, sseJson } from './sse-writer.js';
import type { SseEventInit } from './sse-writer.js';

const RUNS = { numRuns: 500 };
const LINE_BREAK = /\r\n|\r|\n/;

// Pieces chosen to hit the parser's sharp edges: multi-byte UTF-8 (2, 3 and 4 bytes, ZWJ sequences, combining
// marks), characters with SSE meaning (colon, space, BOM, NUL) and text that looks like SSE framing.
const TRICKY = fc.constantFrom(
  '😀',
  '👩‍👩‍👧‍👦',
  '中文字',
  '한국어',
  'e\u0301',
  '\u0301',
  'é',
  '\uFEFF',
  '\0',
  ':',
  ' ',
  '\t',
  '\u2028',
  'data: x',
  'id: 9',
  '[DONE]',
);
const BREAK = fc.constantFrom('\n', '\r', '\r\n');
const noBreaks = (s: string): string => s.replace(/[\r\n]/g, '');

const textWithBreaks = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), TRICKY, BREAK), { maxLength: 8 })
  .map((parts) => parts.join(''));
const lineText = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), TRICKY), { maxLength: 4 })
  .map((parts) => noBreaks(parts.join('')));
const idText = lineText.map((s) => s.replace(/\0/g, ''));

const eventInit: fc.Arbitrary<SseEventInit> = fc
  .record({
    data: textWithBreaks,
    event: fc.option(fc.oneof(lineText, fc.constantFrom('message', 'delta', '')), { nil: undefined }),
    id: fc.option(idText, { nil: undefined }),
    retry: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ data, event, id, retry }) => {
    const init: SseEventInit = { data };
    if (event !== undefined) init.event = event;
    if (id !== undefined) init.id = id;
    if (retry !== undefined) init.retry = retry;
    return init;
  });

type Item =
  | { kind: 'event'; init: SseEventInit; inner: { at: number; text: string }[] }
  | { kind: 'comment'; text: string };

const item: fc.Arbitrary<Item> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('event' as const), init: eventInit, inner: innerComments() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('comment' as const), text: textWithBreaks }) },
);

/** Comment lines to slip between the field lines of an event. */
function innerComments(): fc.Arbitrary<{ at: number; text: string }[]> {
  return fc.array(fc.record({ at: fc.nat(), text: lineText }), { maxLength: 2 });
}

/** The events and comments a conforming parser must report for `items`. */
function model(items: Item[]): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let id: string | undefined;
  let retry: number | undefined;
  for (const it of items) {
    if (it.kind === 'comment') {
      comments.push(...it.text.split(LINE_BREAK));
      continue;
    }
    const { init } = it;
    id = init.id ?? id;
    retry = init.retry ?? retry;
    const event = init.event === undefined || init.event === '' ? 'message' : init.event;
    events.push({ event, data: init.data.split(LINE_BREAK).join('\n'), id, retry });
    comments.push(...insertionOrder(it.inner, fieldLineCount(init)).map((c) => c.text));
  }
  return { events, comments };
}

function fieldLineCount(init: SseEventInit): number {
  return sseEvent(init).split('\n').length - 2;
}

/** Inner comments sorted by the field line they go before (stable, so equal positions keep their order). */
function insertionOrder(
  inner: { at: number; text: string }[],
  lines: number,
): { at: number; text: string }[] {
  return inner.map((c) => ({ at: c.at % (lines + 1), text: c.text })).sort((a, b) => a.at - b.at);
}

/** The lines (without line ends) of the whole stream, as the writer frames them. */
function lines(items: Item[]): string[] {
  const out: string[] = [];
  for (const it of items) {
    if (it.kind === 'comment') {
      out.push(...sseComment(it.text).split('\n').slice(0, -1));
      continue;
    }
    const fields = sseEvent(it.init).split('\n').slice(0, -2);
    const inner = insertionOrder(it.inner, fields.length);
    for (let i = 0; i <= fields.length; i++) {
      for (const c of inner) if (c.at === i) out.push(': ' + c.text);
      if (i < fields.length) out.push(fields[i] as string);
    }
    out.push('');
  }
  return out;
}

/**
 * Terminates each line with a line end chosen by `styles`. A CR-terminated line followed by an empty
 * LF-terminated line would read as one CRLF, so that one combination is avoided (SSE itself cannot tell them apart).
 */
function join(ls: string[], styles: number[]): string {
  const eols = ['\n', '\r\n', '\r'];
  let out = '';
  let prev = '';
  ls.forEach((line, i) => {
    let eol = eols[(styles[i % Math.max(styles.length, 1)] ?? 0) % 3] as string;
    if (prev === '\r' && line === '' && eol === '\n') eol = '\r';
    out += line + eol;
    prev = eol;
  });
  return out;
}

function splitAt<T extends { length: number; slice(a: number, b?: number): T }>(
  whole: T,
  cuts: number[],
): T[] {
  const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
  const parts: T[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(whole.slice(from, p));
    from = p;
  }
  parts.push(whole.slice(from));
  return parts;
}

function run(chunks: (string | Uint8Array)[]): { events: SseEvent[]; comments: string[]; pending: boolean } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const parser = new SseParser(
    (ev) => events.push(ev),
    (text) => comments.push(text),
  );
  for (const c of chunks) parser.push(c);
  parser.end();
  return { events, comments, pending: parser.pendingBytes };
}

const stream = fc.record({
  items: fc.array(item, { maxLength: 12 }),
  styles: fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
  bom: fc.boolean(),
  cuts: fc.array(fc.nat(), { maxLength: 60 }),
  byteByByte: fc.boolean(),
});

describe('SseParser ∘ writer properties', () => {
  it('yields the written events and comments whatever the line ends and byte chunking', () => {
    fc.assert(
      fc.property(stream, ({ items, styles, bom, cuts, byteByByte }) => {
        const text = (bom ? '\uFEFF' : '') + join(lines(items), styles);
        const bytes = new TextEncoder().encode(text);
        const whole = run([bytes]);
        const chunks = byteByByte ? Array.from(bytes, (b) => Uint8Array.of(b)) : splitAt(bytes, cuts);
        const chunked = run(chunks);
        expect(chunked).toEqual(whole);
        expect({ events: whole.events, comments: whole.comments }).toEqual(model(items));
        expect(whole.pending).toBe(false);
      }),
      RUNS,
    );
  });

  it('yields the same when fed strings split anywhere, even between surrogate halves', () => {
    fc.assert(
      fc.property(stream, ({ items, styles, bom, cuts }) => {
        const text = (bom ? '\uFEFF' : '') + join(lines(items), styles);
        expect(run(splitAt(text, cuts))).toEqual(run([text]));
      }),
      RUNS,
    );
  });

  it('round-trips plain writer output: sseEvent and sseData', () => {
    fc.assert(
      fc.property(
        fc.array(eventInit, { maxLength: 10 }),
        fc.array(textWithBreaks, { maxLength: 5 }),
        (inits, datas) => {
          const items: Item[] = inits.map((init) => ({ kind: 'event', init, inner: [] }));
          const parsed = run([inits.map(sseEvent).join('') + datas.map(sseData).join('')]);
          const last = model(items).events.at(-1);
          const expected = [
            ...model(items).events,
            ...datas.map((d) => ({
              event: 'message',
              data: d.split(LINE_BREAK).join('\n'),
              id: last?.id,
              retry: last?.retry,
            })),
          ];
          expect(parsed.events).toEqual(expected);
        },
      ),
      RUNS,
    );
  });

  it('round-trips any JSON value through sseJson', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 5 }), (values) => {
        const parsed = run([values.map(sseJson).join('')]);
        expect(parsed.events.map((e) => JSON.parse(e.data) as unknown)).toEqual(
          values.map((v) => JSON.parse(JSON.stringify(v)) as unknown),
        );
      }),
      RUNS,
    );
  });
});

describe('SseParser on arbitrary bytes', () => {
  // Any bytes, malformed UTF-8 included: framing, lone continuation bytes, truncated and overlong sequences,
  // surrogate encodings, bytes that are never valid. Chunks ending in ASCII and chunks ending mid-character take
  // different decoders; the result must not depend on which did the work.
  const piece = fc.oneof(
    fc.constantFrom(
      'data: ',
      'data:x',
      'id: 1',
      ': c',
      'event: e',
      '\n',
      '\r',
      '\r\n',
      '\n\n',
      'é',
      '😀',
      '中',
    ),
    fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => b.map((x) => 0x80 | x)),
    fc.constantFrom(
      Uint8Array.of(0xe2, 0x82),
      Uint8Array.of(0xf0, 0x9f, 0x98),
      Uint8Array.of(0xc0, 0xaf),
      Uint8Array.of(0xed, 0xa0, 0x80),
      Uint8Array.of(0xff),
      Uint8Array.of(0xef, 0xbb, 0xbf),
    ),
  );
  const bytesOf = (parts: (string | Uint8Array)[]): Uint8Array => {
    const bufs = parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)));
    return new Uint8Array(Buffer.concat(bufs));
  };

  it('gives the same events whatever the chunking, and the same as the whole text decoded at once', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (parts, cuts) => {
          const bytes = bytesOf(parts);
          const whole = run([bytes]);
          expect(run(splitAt(bytes, cuts))).toEqual(whole);
          expect(run(Array.from(bytes, (b) => Uint8Array.of(b)))).toEqual(whole);
          // The string path: one decode of everything by a fresh (non-streaming) decoder.
          const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
          const asText = run([text]);
          expect({ events: asText.events, comments: asText.comments }).toEqual({
            events: whole.events,
            comments: whole.comments,
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
