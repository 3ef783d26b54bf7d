import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';
import type { SseEvent } from './sse-parser.js';

interface Parsed {
  events: SseEvent[];
  comments: string[];
  parser: SseParser;
}

/** Feeds the chunks in order, then ends the stream. */
function parse(...chunks: (string | Uint8Array)[]): Parsed {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const parser = new SseParser(
    (ev) => events.push(ev),
    (text) => comments.push(text),
  );
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { events, comments, parser };
}

const datas = (p: Parsed): string[] => p.events.map((e) => e.data);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('SseParser: line ends', () => {
  it('accepts LF, CRLF and lone CR line ends, even mixed in one stream', () => {
    expect(datas(parse('data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\r\n\n'))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('treats a CR ending one chunk and an LF starting the next as ONE line end', () => {
    const p = parse('data: a\r', '\ndata: b\r', '\n\r', '\n');
    expect(datas(p)).toEqual(['a\nb']);
  });

  it('still sees the CR+LF pair when an empty chunk comes between them', () => {
    expect(datas(parse('data: a\r', '', new Uint8Array(0), '\n\r\n'))).toEqual(['a']);
  });

  it('treats a CR at a chunk end followed by another CR as two line ends', () => {
    expect(datas(parse('data: a\r', '\r'))).toEqual(['a']);
  });

  it('joins a line split across many chunks', () => {
    expect(datas(parse('da', 'ta', ': he', 'llo', '\n', '\n'))).toEqual(['hello']);
  });
});

describe('SseParser: fields', () => {
  it('joins multiple data lines with LF and drops no trailing content', () => {
    expect(datas(parse('data: line 1\ndata: line 2\ndata: line 3\n\n'))).toEqual(['line 1\nline 2\nline 3']);
  });

  it('strips exactly one space after the colon', () => {
    expect(datas(parse('data:no space\n\ndata:  two spaces\n\ndata:\tTab\n\n'))).toEqual([
      'no space',
      ' two spaces',
      '\tTab',
    ]);
  });

  it('keeps further colons in the value', () => {
    expect(datas(parse('data: {"a":"b:c"}\n\n'))).toEqual(['{"a":"b:c"}']);
  });

  it('dispatches an empty string for a data line with an empty value (or no colon at all)', () => {
    expect(datas(parse('data\n\ndata:\n\ndata: \n\n'))).toEqual(['', '', '']);
  });

  it('keeps empty data lines as empty lines of the data', () => {
    expect(datas(parse('data\ndata\n\n'))).toEqual(['\n']);
    expect(datas(parse('data: a\ndata:\ndata: b\n\n'))).toEqual(['a\n\nb']);
  });

  it("names the event after the event field, 'message' when absent or empty", () => {
    const p = parse('event: delta\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n');
    expect(p.events.map((e) => e.event)).toEqual(['delta', 'message', 'message']);
  });

  it('resets the event type even when a block has no data and dispatches nothing', () => {
    const p = parse('event: lost\n\ndata: x\n\n');
    expect(p.events).toEqual([{ event: 'message', data: 'x', id: undefined, retry: undefined }]);
  });

  it('carries the last event id over to later events, and lets an empty id clear it', () => {
    const p = parse('id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n');
    expect(p.events.map((e) => e.id)).toEqual(['1', '1', '']);
    expect(p.parser.lastId).toBe('');
  });

  it('takes an id set in a block without data into account for the next event', () => {
    expect(parse('id: 7\n\ndata: x\n\n').events[0]?.id).toBe('7');
  });

  it('ignores an id that contains NUL', () => {
    const p = parse('id: good\ndata: a\n\nid: b\0d\ndata: b\n\n');
    expect(p.events.map((e) => e.id)).toEqual(['good', 'good']);
  });

  it('sets the reconnection time from a retry field of ASCII digits only', () => {
    const p = parse(
      'retry: 1500\ndata: a\n\nretry: 12x\ndata: b\n\nretry: -5\nretry: 1e3\nretry:\ndata: c\n\n',
    );
    expect(p.events.map((e) => e.retry)).toEqual([1500, 1500, 1500]);
    expect(p.parser.retry).toBe(1500);
  });

  it('ignores unknown fields and field names are case-sensitive', () => {
    expect(parse('foo: bar\nDATA: shout\ndata: ok\n\n').events).toEqual([
      { event: 'message', data: 'ok', id: undefined, retry: undefined },
    ]);
  });

  it('treats a line without a colon as a field with an empty value', () => {
    expect(parse('event\ndata\n\n').events).toEqual([
      { event: 'message', data: '', id: undefined, retry: undefined },
    ]);
  });

  it('does not treat the OpenAI [DONE] sentinel specially', () => {
    expect(parse('data: [DONE]\n\n').events).toEqual([
      { event: 'message', data: '[DONE]', id: undefined, retry: undefined },
    ]);
  });
});

describe('SseParser: comments', () => {
  it('reports comment lines (one leading space stripped) and dispatches nothing for them', () => {
    const p = parse(':\n\n: ping\n\n:  spaced\ndata: a\n: inside an event\ndata: b\n\n');
    expect(p.comments).toEqual(['', 'ping', ' spaced', 'inside an event']);
    expect(datas(p)).toEqual(['a\nb']);
  });

  it('works without a comment callback', () => {
    const events: SseEvent[] = [];
    const parser = new SseParser((ev) => events.push(ev));
    parser.push(': heartbeat\n\ndata: x\n\n');
    expect(events.map((e) => e.data)).toEqual(['x']);
  });
});

describe('SseParser: UTF-8 and BOM', () => {
  it('decodes a multi-byte character split across byte chunks', () => {
    const all = bytes('data: é中😀\n\n');
    const chunks = Array.from(all, (b) => Uint8Array.of(b));
    expect(datas(parse(...chunks))).toEqual(['é中😀']);
  });

  it('strips one leading BOM, from bytes or from a string', () => {
    expect(datas(parse(Uint8Array.of(0xef), Uint8Array.of(0xbb, 0xbf), bytes('data: a\n\n')))).toEqual(['a']);
    expect(datas(parse('\uFEFFdata: a\n\n'))).toEqual(['a']);
  });

  it('keeps a second BOM, which then is part of the first field name', () => {
    expect(datas(parse('\uFEFF\uFEFFdata: a\n\ndata: b\n\n'))).toEqual(['b']);
  });

  it('keeps a BOM that is not at the start of the stream', () => {
    expect(datas(parse('data: \uFEFFx\n\n'))).toEqual(['\uFEFFx']);
  });

  it('replaces invalid UTF-8 with U+FFFD', () => {
    expect(datas(parse(Uint8Array.of(0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0x0a, 0x0a)))).toEqual(['\uFFFD']);
  });

  it('keeps byte order when a string chunk follows a byte chunk that ended mid-character', () => {
    expect(datas(parse(bytes('data: a'), '\n\n'))).toEqual(['a']);
    expect(datas(parse(Uint8Array.of(0x64, 0x61, 0x74, 0x61, 0x3a, 0xc3), 'x\n\n'))).toEqual(['\uFFFDx']);
  });
});

describe('SseParser: end of stream', () => {
  it('does not dispatch an unterminated final event, and says the stream was cut mid-event', () => {
    const p = parse('data: complete\n\ndata: partial\n');
    expect(datas(p)).toEqual(['complete']);
    expect(p.parser.pendingBytes).toBe(true);
  });

  it('reports a partial final line as pending', () => {
    expect(parse('data: complete\n\ndata: parti').parser.pendingBytes).toBe(true);
  });

  it('reports an incomplete UTF-8 sequence at the end as pending', () => {
    expect(parse(Uint8Array.of(0xe4)).parser.pendingBytes).toBe(true);
  });

  it('reports nothing pending after a clean end, even after trailing comments', () => {
    expect(parse('data: a\n\n: bye\n').parser.pendingBytes).toBe(false);
    expect(parse('').parser.pendingBytes).toBe(false);
  });

  it('refuses input after end()', () => {
    const { parser } = parse('data: a\n\n');
    expect(() => parser.push('data: b\n\n')).toThrow(/after end/);
  });
});

describe('SseParser.atEventBoundary', () => {
  // Lines of events with 2-, 3- and 4-byte characters, an id, a comment and a multi-line data field. A blank line
  // ends an event; after a comment or an id line nothing of an event is pending either (neither dispatches alone).
  const lines = [
    'data: {"t":"héllo"}\n',
    '\n',
    'id: 7\n',
    'data: {"t":"日本語"}\n',
    '\n',
    ': heartbeat\n',
    '\n',
    'event: delta\n',
    'data: one\n',
    'data: two 🎉\n',
    '\n',
    'data: [DONE]\n',
    '\n',
  ];
  const enc = new TextEncoder();
  const bytes = enc.encode(lines.join(''));
  const safe = new Set<number>([0]);
  let at = 0;
  let pending = false;
  for (const l of lines) {
    at += enc.encode(l).length;
    if (l === '\n') pending = false;
    else if (l.startsWith('data:') || l.startsWith('event:')) pending = true;
    if (!pending) safe.add(at);
  }

  it('is true exactly where nothing of a line or an event is partly received, however the stream is split', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const p = new SseParser(() => {});
      let pos = 0;
      let x = seed;
      while (pos < bytes.length) {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        const next = Math.min(bytes.length, pos + 1 + (x % 9));
        p.push(bytes.subarray(pos, next));
        pos = next;
        expect(p.atEventBoundary, `seed ${seed}, after byte ${pos}`).toBe(safe.has(pos));
      }
    }
  });

  it('is false while half of a UTF-8 character is held back, even between lines', () => {
    const p = new SseParser(() => {});
    const e = enc.encode('data: a\n\n€');
    p.push(e.subarray(0, 10)); // the blank line plus the first byte of the 3-byte euro sign
    expect(p.pendingBytes).toBe(false);
    expect(p.atEventBoundary).toBe(false);
  });
});
