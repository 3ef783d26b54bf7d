import { EventEmitter } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { LeanDispatcher, SseParser, type SseEvent, type UpstreamDispatcher } from '@llmops/core';
import { Agent, type Dispatcher } from 'undici';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RelayHandler, withoutNullUsage, type RelayResult } from './relay-handler.js';

/** A response that keeps what is written to it. */
function sink(onWrite: () => void = () => {}) {
  const parts: Buffer[] = [];
  const res = {
    headersSent: false,
    writableEnded: false,
    writeHead() {
      res.headersSent = true;
      return res;
    },
    flushHeaders() {},
    write(d: Buffer | string, encoding?: BufferEncoding) {
      onWrite();
      parts.push(typeof d === 'string' ? Buffer.from(d, encoding ?? 'utf8') : Buffer.from(d));
      return true;
    },
    end() {
      res.writableEnded = true;
    },
    once() {
      return res;
    },
    destroy() {},
  };
  return {
    res: res as unknown as ServerResponse,
    text: () => Buffer.concat(parts).toString('utf8'),
    parts: () => parts.map((b) => b.toString('utf8')),
  };
}

const STREAM = [
  'data: {"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null}\n\n',
  ': keep-alive\n\n',
  'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Grüße"}}],"usage":null}\n\n',
  'id: 9\ndata: {"id":"c1","choices":[{"index":0,"delta":{"content":" 🎉"},"finish_reason":"stop"}],"usage":null}\n\n',
  'data: {"id":"c1","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9,"prompt_tokens_details":{"cached_tokens":0}}}\n\n',
  'data: [DONE]\n\n',
].join('');
const USAGE_EVENT = STREAM.split('\n\n')[4] as string;
/**
 * What a client that did not ask for usage gets: the gateway asked for it, so it takes the `"usage":null` member
 * out of every chunk again (the usage-only event is cut out separately).
 */
const clientView = (text: string): string => text.replaceAll(',"usage":null', '');

function relay(
  chunks: readonly Uint8Array[],
  strip: boolean,
  contentType = 'text/event-stream',
): { out: string; parts: string[]; result: RelayResult } {
  const { res, text, parts } = sink();
  let result: RelayResult | undefined;
  // Each upstream read in a turn of its own: what the read relayed is sent once it is parsed (its microtasks),
  // what the turn held at the turn's end.
  const afterRead: Array<() => void> = [];
  const turnEnd: Array<() => void> = [];
  const endTurn = () => {
    for (const fn of afterRead.splice(0)) fn();
    for (const fn of turnEnd.splice(0)) fn();
  };
  const h: RelayHandler = new RelayHandler(
    res,
    'req-1',
    undefined,
    strip,
    () => {},
    (r) => (result = r),
    (fn) => turnEnd.push(fn),
    (fn) => afterRead.push(fn),
  );
  const c = {} as Dispatcher.DispatchController;
  h.onRequestStart(c);
  h.onResponseStart(c, 200, { 'content-type': contentType });
  for (const chunk of chunks) {
    h.onResponseData(c, Buffer.from(chunk));
    endTurn();
  }
  h.onResponseEnd();
  endTurn();
  return { out: text(), parts: parts(), result: result as RelayResult };
}

const events = (text: string): SseEvent[] => {
  const out: SseEvent[] = [];
  const p = new SseParser((e) => out.push(e));
  p.push(text);
  p.end();
  return out;
};

/** Pieces of 1 to `max` bytes, at random (a fixed seed). */
function split(bytes: Uint8Array, seed: number, max = 40): Uint8Array[] {
  const out: Uint8Array[] = [];
  let x = seed;
  for (let pos = 0; pos < bytes.length;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const next = Math.min(bytes.length, pos + 1 + (x % max));
    out.push(bytes.subarray(pos, next));
    pos = next;
  }
  return out;
}

describe('stream relay', () => {
  const bytes = new TextEncoder().encode(STREAM);

  it('relays what came before an upstream failure in the same read, then cuts the stream', () => {
    const { res, text } = sink();
    let destroyed = '';
    res.destroy = () => {
      destroyed = text();
      return res;
    };
    let result: RelayResult | undefined;
    // The read's end never comes: the failure is handled within it.
    const h = new RelayHandler(
      res,
      'req-1',
      undefined,
      true,
      () => {},
      (r) => (result = r),
      () => {},
      () => {},
    );
    const c = {} as Dispatcher.DispatchController;
    h.onRequestStart(c);
    h.onResponseStart(c, 200, { 'content-type': 'text/event-stream' });
    const [first] = STREAM.split(/(?<=\n\n)/);
    h.onResponseData(c, Buffer.from(first as string));
    h.onResponseError(c, new Error('upstream parse error'));
    expect(destroyed).toBe(clientView(first as string));
    expect(result?.error?.message).toBe('upstream parse error');
  });

  it('stamps the upstream write, which upstream latency and TTFT count from', () => {
    const { result } = relay([bytes], true);
    expect(result.tWritten).not.toBeNull();
    expect(result.tHeaders).toBeGreaterThanOrEqual(result.tWritten as number);
    expect(result.tFirstToken as number).toBeGreaterThanOrEqual(result.tHeaders);
  });

  it('passes every byte on untouched when the client asked for usage itself', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const { out, result } = relay(split(bytes, seed), false);
      expect(out).toBe(STREAM);
      expect(result).toMatchObject({ promptTokens: 7, completionTokens: 2, cachedTokens: 0 });
      expect(result.tFirstToken).not.toBeNull();
    }
    // One chunk per event: the usage event comes after the first token, in a chunk of its own.
    const perEvent = STREAM.split(/(?<=\n\n)/).map((e) => new TextEncoder().encode(e));
    expect(relay(perEvent, false).result).toMatchObject({ promptTokens: 7, completionTokens: 2 });
  });

  it('drops only the usage event it asked for, however upstream splits the stream, and still reads the usage', () => {
    // Byte for byte: every other event, comment and id line as upstream sent it, whatever the split.
    const expected = clientView(STREAM.replace(`${USAGE_EVENT}\n\n`, ''));
    for (let seed = 1; seed <= 200; seed++) {
      const { out, result } = relay(split(bytes, seed), true);
      expect(out).toBe(expected);
      expect(result).toMatchObject({ promptTokens: 7, completionTokens: 2, cachedTokens: 0, streamed: true });
    }
  });

  it('keeps id, retry, event names, comments and multi-line data of a stripped stream, whatever its line ends', () => {
    const named = [
      'retry: 3000\n',
      'id: a1\nevent: delta\ndata: {"choices":[{"index":0,"delta":{"content":"x"}}],"usage":null}\n\n',
      ': comment between events\n',
      'id: a2\ndata: {"choices":[{"index":0,\ndata: "delta":{"content":"y"}}],"usage":null}\n\n',
      'id: a3\ndata: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\n\n',
      'data: [DONE]\n\n',
    ];
    for (const eol of ['\n', '\r\n', '\r']) {
      const stream = named.join('').replaceAll('\n', eol);
      const usage = named[4]!.replaceAll('\n', eol);
      const want = clientView(stream.replace(usage, ''));
      const streamBytes = new TextEncoder().encode(stream);
      for (let seed = 1; seed <= 300; seed++) {
        const { out, result } = relay(split(streamBytes, seed, [1, 3, 40][seed % 3]), true);
        // Also when a split falls inside the CRLF that ends the usage block.
        expect(out).toBe(want);
        expect(events(out)).toEqual(events(want));
        expect(result).toMatchObject({ promptTokens: 3, completionTokens: 2 });
      }
    }
  });

  it('relays an event that comes in many pieces whole and exact (a 1 MB event in 4 KB reads)', () => {
    const head = `data: {"choices":[{"index":0,"delta":{"content":"${'y'.repeat(1 << 20)}"}}],"usage":null}\r\n\r\n`;
    const usage =
      'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}\r\n\r\n';
    const all = Buffer.from(`${head}${usage}data: [DONE]\r\n\r\n`);
    const pieces: Uint8Array[] = [];
    for (let pos = 0; pos < all.length; pos += 4096) pieces.push(all.subarray(pos, pos + 4096));
    const { out, result } = relay(pieces, true);
    expect(out).toBe(`${clientView(head)}data: [DONE]\r\n\r\n`);
    expect(result.completionTokens).toBe(1);
  });

  it('passes on an event the stream ended inside of, and never the usage event even without its blank line', () => {
    const cut =
      'data: {"choices":[{"index":0,"delta":{"content":"x"}}],"usage":null}\n\nid: 4\ndata: {"choices":[{"ind';
    for (let seed = 1; seed <= 30; seed++) {
      expect(relay(split(new TextEncoder().encode(cut), seed), true).out).toBe(clientView(cut));
    }
    const head = 'data: {"choices":[{"index":0,"delta":{"content":"x"}}],"usage":null}\n\n';
    const unterminated = `${head}data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}\n`;
    for (let seed = 1; seed <= 30; seed++) {
      expect(relay(split(new TextEncoder().encode(unterminated), seed), true).out).toBe(clientView(head));
    }
  });

  it('relays chunks that end between events byte for byte, comments and ids included', () => {
    // One upstream chunk per event, as servers write them: only the usage chunk is rewritten (to nothing).
    const perEvent = STREAM.split(/(?<=\n\n)/).map((e) => new TextEncoder().encode(e));
    const { out } = relay(perEvent, true);
    expect(out).toBe(clientView(STREAM.replace(`${USAGE_EVENT}\n\n`, '')));
  });

  it('relays the events before the usage event as one untouched piece when a chunk holds the whole stream', () => {
    const { out, parts, result } = relay([bytes], true);
    expect(out).toBe(clientView(STREAM.replace(`${USAGE_EVENT}\n\n`, '')));
    // The first piece written is every event up to the usage one, byte for byte but for `"usage":null`.
    expect(parts[0]).toBe(clientView(STREAM.slice(0, STREAM.indexOf(USAGE_EVENT))));
    expect(result.tFirstToken).not.toBeNull();
    expect(result).toMatchObject({ promptTokens: 7, completionTokens: 2 });
  });

  it('handles CRLF streams and a usage object written with spaces, however they are split', () => {
    const crlf = STREAM.replaceAll('\n', '\r\n').replace('"usage":{', '"usage" : {');
    const crlfBytes = new TextEncoder().encode(crlf);
    const expected = events(crlf).filter((e) => !e.data.includes('"choices":[],'));
    for (let seed = 1; seed <= 100; seed++) {
      const { out, result } = relay(split(crlfBytes, seed), true);
      expect(events(out).map((e) => e.data)).toEqual(expected.map((e) => clientView(e.data)));
      expect(result).toMatchObject({ promptTokens: 7, completionTokens: 2, cachedTokens: 0 });
    }
    // Whole, the events before the usage one pass untouched.
    const { parts } = relay([crlfBytes], true);
    expect(parts[0]).toBe(clientView(crlf.slice(0, crlf.indexOf('data: {"id":"c1","choices":[]'))));
  });
});

describe('the `"usage":null` member the gateway asked for', () => {
  it('is taken out of chunks, compact or written with spaces, first, middle or last', () => {
    expect(withoutNullUsage('data: {"id":"a","choices":[],"usage":null}\n\n')).toBe(
      'data: {"id":"a","choices":[]}\n\n',
    );
    // OpenAI's streams carry members after it.
    expect(withoutNullUsage('data: {"choices":[],"usage":null,"obfuscation":"x1"}\n\n')).toBe(
      'data: {"choices":[],"obfuscation":"x1"}\n\n',
    );
    expect(withoutNullUsage('data: {"id": "a", "choices": [], "usage": null}\n\n')).toBe(
      'data: {"id": "a", "choices": []}\n\n',
    );
    expect(withoutNullUsage('data: {"usage": null, "id": "a"}\n\n')).toBe('data: {"id": "a"}\n\n');
  });

  it('is looked for only when the first events carry one: vLLM-style chunks pass untouched', () => {
    const vllm = STREAM.replaceAll(',"usage":null', '');
    const want = vllm.replace(`${USAGE_EVENT}\n\n`, '');
    for (let seed = 1; seed <= 30; seed++) {
      expect(relay(split(new TextEncoder().encode(vllm), seed), true).out).toBe(want);
    }
    // A later chunk's member, when the first events had none, stays: nothing is searched in such a stream.
    const late = vllm.replace(
      '" 🎉"},"finish_reason":"stop"}]',
      '" 🎉"},"finish_reason":"stop"}],"usage":null',
    );
    expect(late).toContain('"usage":null');
    expect(relay([new TextEncoder().encode(late)], true).out).toBe(late.replace(`${USAGE_EVENT}\n\n`, ''));
  });

  it('leaves a usage object, a key that only starts with usage, and text that mentions it', () => {
    const kept = [
      'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}\n\n',
      'data: {"choices":[],"usage": {"prompt_tokens":1}}\n\n',
      'data: {"choices":[],"usage_hint":null}\n\n',
      'data: {"choices":[{"delta":{"content":"\\"usage\\":null"}}]}\n\n',
      'data: {"choices":[{"delta":{"content":"usage"}}]}\n\n',
    ];
    for (const text of kept) expect(withoutNullUsage(text)).toBe(text);
  });
});

describe('stream relay, property', () => {
  /** One SSE block of a random shape: optional id/retry/event lines, comments, one or more data lines. */
  const block = fc
    .record({
      id: fc.option(fc.stringMatching(/^[a-z0-9]{1,6}$/), { nil: undefined }),
      retry: fc.option(fc.nat({ max: 99_999 }), { nil: undefined }),
      event: fc.option(fc.constantFrom('delta', 'message', 'ping'), { nil: undefined }),
      comment: fc.option(fc.stringMatching(/^[ a-z]{0,12}$/), { nil: undefined }),
      content: fc.array(fc.stringMatching(/^[a-zA-Z0-9 äü€🎉.,]{0,16}$/u), { minLength: 1, maxLength: 3 }),
    })
    .map(({ id, retry, event, comment, content }) => {
      const lines: string[] = [];
      if (comment !== undefined) lines.push(`:${comment}`);
      if (id !== undefined) lines.push(`id: ${id}`);
      if (retry !== undefined) lines.push(`retry: ${retry}`);
      if (event !== undefined) lines.push(`event: ${event}`);
      // A chunk's JSON split over data lines, as a server may write it.
      const json = JSON.stringify({
        choices: [{ index: 0, delta: { content: content.join('') } }],
        usage: null,
      });
      const cut = Math.min(json.length, 12 * content.length);
      lines.push(`data: ${json.slice(0, cut)}`);
      if (cut < json.length) lines.push(`data:${json.slice(cut)}`);
      return lines;
    });
  const USAGE_LINES = [
    'data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}',
  ];

  it('passes every block but the usage-only one on byte for byte, for any shape, line ends and split', () => {
    fc.assert(
      fc.property(
        fc.array(block, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(1, 2, 5, 17, 64, 4096),
        (blocks, eol, seed, max) => {
          const text = (lines: string[]): string => lines.map((l) => l + eol).join('') + eol;
          const kept = blocks.map(text).join('');
          const done = text(['data: [DONE]']);
          const stream = kept + text(USAGE_LINES) + done;
          const { out, result } = relay(split(new TextEncoder().encode(stream), seed, max), true);
          // A `"usage":null` split over two data lines is not seen (no server splits a chunk so), and stays.
          expect(out).toBe(clientView(kept) + done);
          expect(result).toMatchObject({ promptTokens: 5, completionTokens: 3 });
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('JSON answer usage', () => {
  function usageOf(body: string, chunks = 1): RelayResult {
    const bytes = Buffer.from(body);
    const step = Math.ceil(bytes.length / chunks);
    const pieces: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += step) pieces.push(bytes.subarray(i, i + step));
    const { out, result } = relay(pieces, false, 'application/json');
    expect(out).toBe(body);
    return result;
  }
  const counts = (r: RelayResult) => [r.promptTokens, r.completionTokens, r.cachedTokens];

  it('reads usage as the last member (vLLM), compact or spaced, in one or many chunks', () => {
    const vllm =
      '{"id":"c","choices":[{"message":{"content":"Grüße 🎉"}}],"usage":{"prompt_tokens":7,"completion_tokens":2,' +
      '"total_tokens":9,"prompt_tokens_details":{"cached_tokens":4}}}';
    expect(counts(usageOf(vllm))).toEqual([7, 2, 4]);
    expect(counts(usageOf(vllm, 7))).toEqual([7, 2, 4]);
    const spaced =
      '{\n  "choices": [],\n  "usage" : {\n    "prompt_tokens": 3,\n    "completion_tokens": 1\n  }\n}\n';
    expect(counts(usageOf(spaced))).toEqual([3, 1, null]);
  });

  it('reads usage wherever it is (OpenAI puts fields after it), and only the top-level one', () => {
    const openai =
      '{"id":"c","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":6},"service_tier":"default",' +
      '"system_fingerprint":"fp"}';
    expect(counts(usageOf(openai))).toEqual([5, 6, null]);
    // A nested "usage" key last in the text is not the answer's usage.
    const nested =
      '{"usage":{"prompt_tokens":1,"completion_tokens":1},"choices":[{"message":{"x":{"usage":{"prompt_tokens":99}}}}]}';
    expect(counts(usageOf(nested))).toEqual([1, 1, null]);
    // A content string that mentions "usage": its quotes are escaped, so it is never taken for the key.
    const inString = '{"choices":[{"message":{"content":"\\"usage\\":{\\"prompt_tokens\\":42}}"}}]}';
    expect(counts(usageOf(inString))).toEqual([null, null, null]);
    const nullUsage = '{"choices":[],"usage":null}';
    expect(counts(usageOf(nullUsage))).toEqual([null, null, null]);
  });
});

describe('stream relay on a real socket', () => {
  /**
   * Drives the relay the way undici does within one upstream read (start, data, then maybe end, synchronously) on
   * a real server response, and counts the writes its socket makes: by the end of that read (its microtasks
   * included, before the loop's turn ends), before the upstream end, and in all.
   */
  async function writesOf(
    chunks: readonly string[],
    endInSameRead: boolean,
  ): Promise<{ afterRead: number; beforeEnd: number; total: number; received: string }> {
    let writes = 0;
    let afterRead = -1;
    let beforeEnd = -1;
    const server = createServer((req, res) => {
      const socket = res.socket as Socket & { _writev: Socket['_writev']; _write: Socket['_write'] };
      const { _writev: writev, _write: write } = socket;
      socket._writev = function (...args) {
        writes++;
        return writev?.apply(this, args);
      };
      socket._write = function (...args) {
        writes++;
        return write.apply(this, args);
      };
      req.resume();
      req.on('end', () => {
        const h = new RelayHandler(
          res,
          'req-1',
          undefined,
          true,
          () => {},
          () => {},
        );
        const c = { pause() {}, resume() {} } as unknown as Dispatcher.DispatchController;
        h.onRequestStart(c);
        h.onResponseStart(c, 200, { 'content-type': 'text/event-stream' });
        for (const chunk of chunks) h.onResponseData(c, Buffer.from(chunk));
        // After the relay's own microtask (queued with the headers), before the turn's end.
        queueMicrotask(() => queueMicrotask(() => (afterRead = writes)));
        const end = () => {
          beforeEnd = writes;
          h.onResponseEnd();
        };
        if (endInSameRead) end();
        else setTimeout(end, 20);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' });
      const received = await res.text();
      return { afterRead, beforeEnd, total: writes, received };
    } finally {
      await new Promise((r) => server.close(r));
    }
  }
  const whole = clientView(STREAM.replace(`${USAGE_EVENT}\n\n`, ''));

  it('sends headers, a whole stream and its end in one write at the end of the turn when they come in one read', async () => {
    const r = await writesOf([STREAM], true);
    expect(r.received).toBe(whole);
    expect(r.beforeEnd).toBe(0);
    // Held for the turn's end, with the answers other relays finish in it.
    expect(r.afterRead).toBe(0);
    expect(r.total).toBe(1);
  });

  it('does not hold the first events for an end that is not in the same read', async () => {
    // Mid-stream pieces: headers and the first events leave at once, before anything else happens.
    const [first] = STREAM.split(/(?<=\n\n)/);
    const early = await writesOf([first as string], false);
    // Within the read: a piece in the middle of a stream does not wait for the turn's end.
    expect(early.afterRead).toBe(1);
    expect(early.beforeEnd).toBe(1);
    expect(early.received).toBe(clientView(first as string));
    // A piece that ends the stream but whose end is late: it leaves after the read, without waiting for the end.
    const late = await writesOf([STREAM], false);
    expect(late.received).toBe(whole);
    expect(late.beforeEnd).toBe(1);
  });

  it('sends the pieces undici hands over from one read in one write, with the stream end when it is in that read', async () => {
    const [role, keepAlive, token, last, usage, done] = STREAM.split(/(?<=\n\n)/) as string[];
    // Two pieces mid-stream: headers and both in one write by the read's end; the upstream end is one more.
    const mid = await writesOf([role as string, (keepAlive as string) + token], false);
    expect(mid.received).toBe(clientView((role as string) + keepAlive + token));
    expect(mid.afterRead).toBe(1);
    expect(mid.total).toBe(2);
    // The last token's chunk and the usage/[DONE] tail in one read as two chunks: one write, with the end.
    const tail = await writesOf(
      [(role as string) + keepAlive + token + last, (usage as string) + done],
      true,
    );
    expect(tail.received).toBe(whole);
    expect(tail.total).toBe(1);
    // The same with the upstream end arriving later: the read leaves in one write, the end in another.
    const lateEnd = await writesOf(
      [(role as string) + keepAlive + token + last, (usage as string) + done],
      false,
    );
    expect(lateEnd.received).toBe(whole);
    expect(lateEnd.beforeEnd).toBe(1);
    expect(lateEnd.total).toBe(2);
  });

  it('pauses upstream while the client does not read and resumes it when the socket drains, leaving no listener', async () => {
    const calls: string[] = [];
    let drainListeners = -1;
    let baseline = -1;
    let client: Socket | undefined;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const socket = res.socket as Socket;
        baseline = socket.listenerCount('drain');
        const h = new RelayHandler(
          res,
          'req-1',
          undefined,
          false,
          () => {},
          () => {
            // After the answer's end: nothing of this relay may stay on the (keep-alive) socket.
            drainListeners = socket.listenerCount('drain');
          },
        );
        const c = {
          pause: () => {
            calls.push('pause');
            // The client starts reading only once upstream has been paused.
            client?.resume();
          },
          resume: () => {
            calls.push('resume');
            for (let i = 0; i < 3; i++) h.onResponseData(c, Buffer.from(`data: {"n":${i}}\n\n`));
            h.onResponseData(c, Buffer.from('data: [DONE]\n\n'));
            h.onResponseEnd();
          },
        } as unknown as Dispatcher.DispatchController;
        h.onRequestStart(c);
        h.onResponseStart(c, 200, { 'content-type': 'text/event-stream' });
        const piece = Buffer.from(`data: "${'x'.repeat(32 * 1024)}"\n\n`);
        for (let i = 0; i < 400 && calls.length === 0; i++) h.onResponseData(c, piece);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await new Promise<string>((resolve, reject) => {
        let text = '';
        client = connect(port, '127.0.0.1', () =>
          client!.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
        );
        client.pause();
        client.setEncoding('latin1');
        client.on('data', (d: string) => (text += d));
        client.on('error', reject);
        client.on('close', () => resolve(text));
      });
      expect(calls).toEqual(['pause', 'resume']);
      expect(body.endsWith('data: [DONE]\n\n\r\n0\r\n\r\n')).toBe(true);
      expect(drainListeners).toBe(baseline);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('a client that leaves while its request waits for an upstream connection', () => {
  /** A client response that only knows whether its client is still there. */
  function leavingClient() {
    const res = Object.assign(new EventEmitter(), {
      socket: null,
      headersSent: false,
      writableEnded: false,
      destroyed: false,
      writeHead: () => res,
      setHeader: () => res,
      flushHeaders() {},
      write: () => true,
      end: () => res,
      destroy: () => res,
    });
    return {
      res: res as unknown as ServerResponse,
      leave() {
        res.destroyed = true;
        res.emit('close');
      },
    };
  }

  const dispatchers: Array<[string, () => UpstreamDispatcher]> = [
    ['undici', () => new Agent({ connections: 1 })],
    ['lean', () => new LeanDispatcher(new Agent(), { connections: 1 })],
  ];

  it.each(dispatchers)('%s: the request is never sent, and its end is reported', async (_name, make) => {
    const seen: string[] = [];
    let release: () => void = () => {};
    const upstream = createServer((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      if (req.url === '/first') release = () => res.end('{"ok":true}');
      else res.end('{"ok":true}');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const dispatcher = make();
    try {
      const ends: Array<Promise<RelayResult>> = [];
      const clients = ['/first', '/queued'].map((path) => {
        const client = leavingClient();
        let done: (r: RelayResult) => void = () => {};
        ends.push(new Promise((r) => (done = r)));
        const relay = new RelayHandler(client.res, path, undefined, false, () => {}, done);
        dispatcher.dispatch({ origin, path, method: 'GET', headers: {} }, relay);
        return client;
      });
      while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
      // The only connection is busy with /first: /queued waits for it, and its client goes.
      clients[1]?.leave();
      release();
      const [first, queued] = await Promise.all(ends);
      expect(first?.status).toBe(200);
      expect(queued).toMatchObject({ clientAborted: true, status: 0 });
      // What the connection does next is up to the pool: upstream must still never see /queued.
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual(['/first']);
    } finally {
      await dispatcher.close();
      await new Promise((r) => upstream.close(r));
    }
  });
});
