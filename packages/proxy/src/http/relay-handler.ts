import type { Socket } from 'node:net';
import {
  atTurnEnd,
  monoNow,
  SseParser,
  StreamObserver,
  usageCounts,
  writeChunk,
  type ResponseSink,
  type SseEvent,
} from '@llmops/core';
import type { Dispatcher } from 'undici';
import { isJsonSpace, lastNonSpace } from './json-bytes.js';
import { corsHeaders } from './cors-headers.js';
import { connectionListed, HOP_BY_HOP } from './upstream-headers.js';

/** Largest JSON answer kept to read its `usage` (the bytes are relayed regardless). */
const USAGE_SCAN_LIMIT = 4 * 1024 * 1024;

export interface RelayResult {
  status: number;
  /**
   * Monotonic: the request written upstream (null if it never was: no connection). Until then it was the
   * gateway's: a pooled connection's wait, undici's check of an idle connection before reuse (the next turn of the
   * event loop).
   */
  tWritten: number | null;
  /** Monotonic: upstream headers, first token (streams), last byte. */
  tHeaders: number;
  tFirstToken: number | null;
  tEnd: number;
  promptTokens: number | null;
  completionTokens: number | null;
  /** `usage.prompt_tokens_details.cached_tokens`: prompt tokens upstream served from its prefix cache. */
  cachedTokens: number | null;
  streamed: boolean;
  /** Set when the upstream failed before answering (the client got a gateway error) or mid-way (connection cut). */
  error: Error | null;
  clientAborted: boolean;
}

/**
 * Relays an upstream response to the client as it arrives: a stream's headers at once and its SSE events as each
 * upstream read is parsed (one write per read), nothing held longer but the stream's last piece (the one ending
 * with `[DONE]`), which leaves at the end of the loop's turn it arrived in; any other answer's bytes untouched,
 * also at the end of their turn. Along the way it reads what the audit and metrics need — first token time and
 * `usage` — and, when the gateway itself asked for `include_usage`, drops that extra final chunk so the client
 * gets exactly what it asked for.
 */
export class RelayHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private parser: SseParser | undefined;
  private observer: StreamObserver | undefined;
  private jsonChunks: Buffer[] | undefined;
  private jsonBytes = 0;
  private done = false;
  /**
   * Bytes after the last blank line relayed on the checked path (usage stripped): the start of an event not yet
   * complete, or lines (comment, `id:`) that precede one. They go out with the rest of their event, as received.
   */
  private rawPending: Buffer[] | undefined;
  private rawPendingBytes = 0;
  /** Where the checked bytes so far end: at the start of a line, and right after a CR (whose LF may follow). */
  private readonly scan: LineState = { atLineStart: true, afterCR: false };
  /** The block in `rawPending` (or starting the next piece) begins with the LF of the previous block's CRLF. */
  private leadLF = false;
  /** The usage-only block cut out ended the last piece with a CR: an LF starting the next piece is its CRLF's. */
  private dropLeadingLF = false;
  /** The chunk being processed completed the usage-only event the gateway asked for, which the client must not see. */
  private heldUsage = false;
  /**
   * The gateway asked for usage and upstream writes a `"usage":null` member into its chunks (OpenAI does, vLLM
   * does not), as its first events showed: they are taken out of what is relayed. Searching every stream's text
   * for them would cost ~8 µs a 64-token read (V8's search stops at every quote of the JSON).
   */
  private nullUsage = false;
  private chunkTime = 0;
  /**
   * The answer's end is in sight: a non-stream answer, or a stream whose piece ending with `[DONE]` has arrived.
   * From then on what the client is sent waits for the end of the loop's turn (atTurnEnd), and leaves in one
   * write with the upstream's end if it came in the same turn, one after the other with the answers that other
   * relays finished in that turn: a client's process is woken once for such a burst rather than once for each.
   * Pieces in the middle of a stream wait only for the end of the upstream read they came in (`pending`): holding
   * each of them for a turn costs a loop turn a token.
   */
  private final = false;
  private held: Array<Buffer | string> | undefined;
  /**
   * Mid-stream bytes (latin1) relayed in the current upstream read, sent when its parsing is over (a microtask):
   * one socket write for all the events and pieces of a read, where writing each HTTP chunk undici hands over at
   * once made one write a piece (a stream's last token and its usage/[DONE] tail come in one read as two chunks).
   */
  private pending: string | undefined;
  private pendingQueued = false;
  /** Monotonic: when upstream ended an answer whose end waits with its last bytes. */
  private heldEnd: number | null = null;
  private flushQueued = false;
  /**
   * The client socket, corked from the stream's headers until the end of the upstream read they came in (or, if
   * that read holds the stream's last piece, the end of the turn).
   */
  private corked: Socket | undefined;
  /** Set while upstream is paused: takes the relay's 'drain' listeners off the response and its socket. */
  private stopWaitingForDrain: (() => void) | undefined;
  readonly result: RelayResult = {
    status: 0,
    tWritten: null,
    tHeaders: 0,
    tFirstToken: null,
    tEnd: 0,
    promptTokens: null,
    completionTokens: null,
    cachedTokens: null,
    streamed: false,
    error: null,
    clientAborted: false,
  };

  constructor(
    private readonly res: ResponseSink,
    private readonly requestId: string,
    /** The client's allowed Origin: the answer carries the CORS headers that let a browser read it. */
    private readonly origin: string | undefined,
    /** The gateway added `stream_options.include_usage`: the usage-only chunk is the gateway's, not the client's. */
    private readonly stripUsageChunk: boolean,
    /** Answers a failure that happened before any byte was relayed (in the OpenAI envelope). */
    private readonly failEarly: (err: Error) => void,
    private readonly onFinish: (r: RelayResult) => void,
    /** Runs the sending of what a turn relayed at the turn's end; a test passes its own to play turns out. */
    private readonly defer: (fn: () => void) => void = atTurnEnd,
    /** Runs the sending of what an upstream read relayed once the read is parsed; a test passes its own. */
    private readonly soon: (fn: () => void) => void = queueMicrotask,
  ) {
    if (res.destroyed) this.result.clientAborted = true;
    else
      res.once('close', () => {
        if (!this.done) {
          this.result.clientAborted = true;
          this.controller?.abort(new Error('client disconnected'));
        }
      });
  }

  /** undici calls this right before it writes the request upstream (after any wait for a pooled connection). */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.result.clientAborted) {
      // The client left while the request waited for a connection: it is not sent.
      controller.abort(new Error('client disconnected'));
      return;
    }
    if (this.result.tWritten === null) this.result.tWritten = monoNow();
  }

  onResponseStart(
    _c: Dispatcher.DispatchController,
    status: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    const r = this.result;
    r.status = status;
    r.tHeaders = monoNow();
    const out: Record<string, string | string[]> = {};
    const listed = connectionListed(headers['connection']);
    for (const [k, v] of Object.entries(headers)) {
      if (v !== undefined && !HOP_BY_HOP.has(k) && (listed === undefined || !listed.has(k))) out[k] = v;
    }
    const ctype = String(headers['content-type'] ?? '');
    if (ctype.includes('text/event-stream')) {
      r.streamed = true;
      this.observer = new StreamObserver(r.tHeaders, false);
      this.parser = new SseParser((ev) => this.onEvent(ev));
      // The body is rewritten event by event, so the upstream length no longer applies.
      delete out['content-length'];
    } else if (ctype.includes('json') && status < 400) {
      this.jsonChunks = [];
    }
    // The client sees the gateway's request id (the audit's); an upstream's own (OpenAI's `req_…`, which its
    // support asks for) is kept beside it rather than lost.
    const upstreamId = out['x-request-id'];
    if (typeof upstreamId === 'string' && upstreamId !== this.requestId)
      out['x-upstream-request-id'] = upstreamId;
    out['x-request-id'] = this.requestId;
    if (this.origin !== undefined) Object.assign(out, corsHeaders(this.origin, out['vary']));
    this.res.writeHead(status, out);
    if (!r.streamed) {
      this.final = true;
      return;
    }
    // Headers leave now (a stream's client sees them before the first token), but together with whatever events
    // came in the same upstream read: the socket stays corked until this read has been relayed, or, if the read
    // holds the stream's last piece, until the end of the turn.
    const socket = this.res.socket;
    if (socket) {
      socket.cork();
      this.corked = socket;
      this.queuePending();
    }
    this.res.flushHeaders();
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.parser) {
      this.chunkTime = monoNow();
      if (!this.final && endsWithDone(chunk)) this.final = true;
      if (this.dropLeadingLF) {
        this.dropLeadingLF = false;
        if (chunk[0] === 10) {
          this.parser.push(chunk.subarray(0, 1));
          this.scan.afterCR = false;
          if (chunk.length === 1) return;
          chunk = chunk.subarray(1);
        }
      }
      // Whole events before the first usage object in the chunk can be neither the usage-only event nor hold the
      // usage: they are relayed untouched, without the checked path's scan. Until the first token they are parsed
      // one event at a time only until it shows; after it nothing in them is needed, and they are not parsed.
      const text =
        this.rawPending === undefined && this.parser.atEventBoundary ? chunk.toString('latin1') : undefined;
      // V8's lastIndexOf walks back to the start when nothing matches: CRLF is only looked for where there is a CR.
      const hasCR = text !== undefined && text.indexOf('\r') >= 0;
      const cut = text === undefined ? 0 : cleanPrefixEnd(text, hasCR);
      if (cut > 0) {
        const whole = cut === chunk.length;
        const head = whole ? chunk : chunk.subarray(0, cut);
        // Parsed before it is queued (nothing leaves before the read is over): the first events tell whether
        // upstream writes `"usage":null` members.
        if (this.result.tFirstToken === null) this.findFirstToken(head, text as string, hasCR);
        this.write(head, whole ? text : (text as string).slice(0, cut));
        // Whole events, ending with a blank line's LF.
        this.scan.atLineStart = true;
        this.scan.afterCR = false;
        if (cut === chunk.length) return;
        chunk = chunk.subarray(cut);
      }
      if (this.stripUsageChunk) this.relayChecked(chunk);
      else {
        this.write(chunk);
        this.parser.push(chunk);
      }
      return;
    }
    if (this.jsonChunks && this.jsonBytes < USAGE_SCAN_LIMIT) {
      this.jsonChunks.push(chunk);
      this.jsonBytes += chunk.length;
    }
    this.write(chunk);
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.defer(this.flushHeld);
  }

  /** Sends what waited for the turn's end; after the answer's end, the gateway's bookkeeping runs. */
  private readonly flushHeld = (): void => {
    this.flushQueued = false;
    if (this.done) return; // failed meanwhile: the client's response was destroyed
    const held = this.held;
    this.held = undefined;
    // Node corks the socket for the rest of this tick: these writes (and the end) leave as one.
    if (held !== undefined) for (const b of held) this.send(b);
    if (this.heldEnd !== null) {
      // The client has its last bytes before the gateway's bookkeeping (usage, metrics, audit) runs.
      this.res.end();
      this.finish(null, this.heldEnd);
    } else this.uncork();
  };

  /**
   * Parses whole events of `head` one at a time until one bears the first token; the rest are whole events
   * without usage, which nothing here needs (a zero-delay upstream sends a whole answer in one read).
   */
  private findFirstToken(head: Buffer, text: string, hasCR: boolean): void {
    const parser = this.parser!;
    for (let pos = 0; pos < head.length && this.result.tFirstToken === null;) {
      const end = Math.min(head.length, nextBlankLineEnd(text, pos, hasCR));
      parser.push(pos === 0 && end === head.length ? head : head.subarray(pos, end));
      pos = end;
    }
  }

  /**
   * A piece that may hold (part of) the usage-only event. It is parsed first; then every whole event it completes
   * goes on byte for byte as upstream sent it (comments, `id:` and `retry:` lines, line ends, field order), except
   * the usage-only event's block, which is cut out. What follows the last blank line waits for the rest of its event.
   */
  private relayChecked(chunk: Buffer): void {
    this.parser!.push(chunk);
    // Only the new bytes are scanned (the line state carries over), so an event that arrives in many pieces
    // costs linear time: each byte is scanned once, copied into `rawPending` once and out once.
    const text = chunk.toString('latin1');
    // The block being gathered starts here: with an LF that belongs to the CRLF ending the block before it?
    if (this.rawPending === undefined) this.leadLF = this.scan.afterCR && text.charCodeAt(0) === 10;
    const ends = eventEnds(text, text.indexOf('\r') >= 0, this.scan);
    if (ends.length === 0) {
      this.hold(chunk);
      return;
    }
    const whole = ends[ends.length - 1] as number;
    const held = this.rawPending;
    const heldBytes = this.rawPendingBytes;
    this.rawPending = undefined;
    this.rawPendingBytes = 0;
    const head = whole === chunk.length ? chunk : chunk.subarray(0, whole);
    const buf = held === undefined ? head : Buffer.concat([...held, head], heldBytes + whole);
    const leadLF = this.leadLF;
    // The next block starts right after this piece's last blank line (whose CRLF, if any, is whole here).
    this.leadLF = false;
    if (whole < chunk.length) this.hold(chunk.subarray(whole));
    if (!this.heldUsage) {
      this.write(buf);
      return;
    }
    this.heldUsage = false;
    // Rare (once a stream): the blocks are looked at one by one for the usage-only one.
    const bufText = held === undefined ? text : buf.toString('latin1');
    const keep: Buffer[] = [];
    let from = 0;
    let start = 0;
    for (const chunkEnd of ends) {
      const end = heldBytes + chunkEnd;
      if (USAGE_OBJECT.test(bufText.slice(start, end)) && isUsageOnlyBlock(buf.subarray(start, end))) {
        // An LF finishing the previous block's CRLF stays with that block.
        const cutFrom = start === 0 && leadLF ? 1 : start;
        if (cutFrom > from) keep.push(buf.subarray(from, cutFrom));
        from = end;
        this.dropLeadingLF = chunkEnd === chunk.length && text.charCodeAt(chunkEnd - 1) === 13;
      }
      start = end;
    }
    if (buf.length > from) keep.push(buf.subarray(from));
    if (keep.length > 0) this.write(keep.length === 1 ? (keep[0] as Buffer) : Buffer.concat(keep));
  }

  /** Keeps bytes of an event not yet complete (a copy: the read buffer they came in is not held on to). */
  private hold(part: Buffer): void {
    (this.rawPending ??= []).push(Buffer.from(part));
    this.rawPendingBytes += part.length;
  }

  /**
   * Per event, as little as possible: the first token is found by parsing events until one bears a token; after
   * that only events carrying a `usage` object are parsed (`"usage":null` on every chunk is skipped by a search).
   */
  private onEvent(ev: SseEvent): void {
    const r = this.result;
    const beforeFirstToken = r.tFirstToken === null;
    if (beforeFirstToken && this.observer) {
      try {
        this.observer.onEvent(ev, this.chunkTime);
      } catch {
        // Not ours to judge: a malformed or error event is relayed as the upstream sent it.
      }
      if (this.observer.m.ttft !== null) r.tFirstToken = this.chunkTime;
    }
    if (USAGE_OBJECT.test(ev.data) && this.takeUsage(ev.data) && this.stripUsageChunk) this.heldUsage = true;
    else if (this.stripUsageChunk && beforeFirstToken && NULL_USAGE.test(ev.data)) this.nullUsage = true;
  }

  /** Reads `usage` from a chunk; true when the chunk is the usage-only one. */
  private takeUsage(data: string): boolean {
    try {
      const c = JSON.parse(data) as StreamChunk;
      takeUsage(c.usage, this.result);
      return isUsageOnlyChunk(c);
    } catch {
      return false;
    }
  }

  /** Sends what is corked (headers, and the first events if they came with them) now. */
  private uncork(): void {
    const socket = this.corked;
    if (socket) {
      this.corked = undefined;
      socket.uncork();
    }
  }

  /**
   * Relays bytes: in the middle of a stream once the upstream read they came in is parsed, at the end of the turn
   * once the answer's end is in sight. `text` is `data` read as latin1 when the caller already has it.
   */
  private write(data: Buffer, text?: string): void {
    let out: Buffer | string = data;
    if (this.nullUsage) {
      // Whole events only on this path: a `"usage":null` is never split between two writes.
      const s = text ?? data.toString('latin1');
      text = withoutNullUsage(s);
      if (text !== s) out = text;
    }
    if (this.final) {
      (this.held ??= []).push(out);
      this.queueFlush();
      return;
    }
    // Only streams get here before `final`.
    const s = text ?? data.toString('latin1');
    this.pending = this.pending === undefined ? s : this.pending + s;
    // A read is at most a socket buffer, but a test (or a future undici) may hand over more: bounded all the same.
    if (this.pending.length >= PENDING_LIMIT) this.sendPending();
    else this.queuePending();
  }

  private queuePending(): void {
    if (this.pendingQueued) return;
    this.pendingQueued = true;
    this.soon(this.sendPending);
  }

  /**
   * The read's pieces leave as one socket write with their chunk framing, latin1 so the bytes stay exactly
   * upstream's (~27% less CPU a piece than `res.write`), with the headers if they wait behind the cork. If the
   * stream's end came in the same read they join it instead, at the end of the turn, in the same write.
   */
  private readonly sendPending = (): void => {
    this.pendingQueued = false;
    const s = this.pending;
    this.pending = undefined;
    if (this.done) return; // failed meanwhile: the client's response was destroyed
    if (this.final) {
      // Before the pieces that came after `final` was set: they came later in the same read.
      if (s !== undefined) (this.held ??= []).unshift(s);
      // The held bytes, or just the headers, leave at the turn's end (flushHeld uncorks).
      this.queueFlush();
      return;
    }
    if (s !== undefined && !writeChunk(this.res, s, 'latin1')) this.pauseUntilDrain();
    this.uncork();
  };

  /** Held bytes at the turn's end: node:http corks the socket for the tick, and the response's end flushes all. */
  private send(data: Buffer | string): void {
    if (!(typeof data === 'string' ? this.res.write(data, 'latin1') : this.res.write(data)))
      this.pauseUntilDrain();
  }

  /** The client reads slower than upstream sends: upstream waits (TCP backpressure) until it has caught up. */
  private pauseUntilDrain(): void {
    if (this.stopWaitingForDrain) return;
    this.controller?.pause();
    // `writeChunk` wrote to the socket itself, so the response may not emit 'drain': whichever comes first. The
    // socket outlives the response (keep-alive): the listener comes off the socket it was put on.
    const socket = this.res.socket;
    const resume = (): void => {
      this.stopWaitingForDrain?.();
      this.controller?.resume();
    };
    this.stopWaitingForDrain = () => {
      this.stopWaitingForDrain = undefined;
      this.res.off('drain', resume);
      socket?.off('drain', resume);
    };
    this.res.on('drain', resume);
    socket?.on('drain', resume);
  }

  onResponseEnd(): void {
    this.parser?.end();
    // An event the stream ended inside of (no blank line after it) goes on as it came, unless it is the usage one.
    const rest = this.rawPending === undefined ? undefined : Buffer.concat(this.rawPending);
    this.rawPending = undefined;
    if (rest !== undefined && !isUsageOnlyBlock(Buffer.concat([rest, BLANK_LINE]))) this.write(rest);
    const tEnd = monoNow();
    if (this.final) {
      this.heldEnd = tEnd;
      this.queueFlush();
      return;
    }
    // A stream that ended without `[DONE]`. The client has its last bytes before the gateway's bookkeeping.
    this.sendPending();
    this.res.end();
    this.finish(null, tEnd);
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (!this.res.headersSent && !this.result.clientAborted) this.failEarly(err);
    else if (!this.res.writableEnded) {
      // What upstream sent before failing, in the read that failed, still goes to the client; then the cut.
      if (!this.result.clientAborted) this.sendPending();
      this.res.destroy();
    }
    this.finish(err);
  }

  private finish(err: Error | null, tEnd = monoNow()): void {
    if (this.done) return;
    this.done = true;
    this.stopWaitingForDrain?.();
    const r = this.result;
    r.tEnd = tEnd;
    r.error = err;
    if (this.jsonChunks && err === null) {
      const c = this.jsonChunks;
      readJsonUsage(c.length === 1 ? (c[0] as Buffer) : Buffer.concat(c), r);
    }
    this.onFinish(r);
  }
}

const NULL_USAGE = /"usage"\s*:\s*null/;

/** A `"usage": null` member written with spaces around its colon or comma (compact ones are removed first). */
const SPACED_NULL_USAGE = /,\s*"usage"\s*:\s*null(?=\s*[,}])|"usage"\s*:\s*null\s*,\s*/g;

/**
 * Events without the `"usage":null` member that `stream_options.include_usage` adds to every chunk (OpenAI's
 * servers send it; vLLM's do not): the gateway asked for it, and a client that did not sees chunks without a
 * `usage` key, as it would from upstream directly. A JSON string cannot hold `"usage"` unescaped, so only members
 * match. `text` is latin1 (one character per byte), which keeps every other byte as it came.
 */
export function withoutNullUsage(text: string): string {
  if (text.indexOf('"usage"') < 0) return text;
  // One serializer writes a stream: compact (OpenAI's), or with spaces (some Python servers).
  if (text.indexOf(',"usage":null') >= 0) return text.replaceAll(',"usage":null', '');
  return text.replace(SPACED_NULL_USAGE, '');
}

/**
 * Where the chunk's leading run of whole events that cannot hold a usage object ends (0: none). The chunk starts
 * at an event boundary, and a blank line ("\n\n", also the tail of "\r\n\n", or "\r\n\r\n") always ends an
 * event, so everything up to the last one before the first usage object is whole events without it. Streams that
 * end lines with a lone "\r" simply take the checked path. `text` is the chunk as latin1: one character per byte.
 */
function cleanPrefixEnd(text: string, hasCR: boolean): number {
  const u = usageObjectIndex(text);
  const n = text.length;
  if (u < 0 && n >= 2 && text.charCodeAt(n - 1) === 10 && text.charCodeAt(n - 2) === 10) return n;
  const limit = u < 0 ? n : u;
  const lf = limit >= 2 ? text.lastIndexOf('\n\n', limit - 2) : -1;
  const crlf = hasCR && limit >= 4 ? text.lastIndexOf('\r\n\r\n', limit - 4) : -1;
  return Math.max(lf < 0 ? 0 : lf + 2, crlf < 0 ? 0 : crlf + 4);
}

/** Mid-stream bytes gathered from one read beyond this leave at once (a read is normally far smaller). */
const PENDING_LIMIT = 64 * 1024;

const BLANK_LINE = Buffer.from('\n\n');
const DONE = Buffer.from('[DONE]');

/** Whether a piece ends with `[DONE]` and its line ends: the last event of an OpenAI stream. */
function endsWithDone(chunk: Buffer): boolean {
  let end = chunk.length;
  // "\r\n\r\n" at most: a blank line after the event's own line end.
  for (let i = 0; i < 4 && end > 0 && (chunk[end - 1] === 10 || chunk[end - 1] === 13); i++) end--;
  return (
    end >= DONE.length &&
    end < chunk.length &&
    chunk.compare(DONE, 0, DONE.length, end - DONE.length, end) === 0
  );
}

interface LineState {
  atLineStart: boolean;
  afterCR: boolean;
}

/**
 * Where each blank line of `text` ends, in order: the event boundaries of the piece. Lines end with LF, CRLF or
 * CR, as in the SSE parser. `state` says how the bytes before `text` ended and is updated for the next piece: an
 * LF right after a CR that ended the previous piece completes that CRLF; a CR ending this piece counts as a line
 * end at once.
 */
function eventEnds(text: string, hasCR: boolean, state: LineState): number[] {
  const ends: number[] = [];
  let pos = 0;
  // The LF finishes the CRLF whose CR ended the previous piece (and was counted as the line end there).
  if (state.afterCR && text.charCodeAt(0) === 10) pos = 1;
  // -1: the current line began in an earlier piece and is not empty.
  let lineStart = state.atLineStart ? pos : -1;
  let lf = text.indexOf('\n', pos);
  let cr = hasCR ? text.indexOf('\r', pos) : -1;
  for (;;) {
    if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
    if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
    const t = lf === -1 ? cr : cr === -1 || lf < cr ? lf : cr;
    if (t === -1) break;
    const next = t + (text.charCodeAt(t) === 13 && text.charCodeAt(t + 1) === 10 ? 2 : 1);
    if (t === lineStart) ends.push(next);
    lineStart = pos = next;
  }
  const n = text.length;
  state.afterCR = n > 0 ? text.charCodeAt(n - 1) === 13 : state.afterCR;
  state.atLineStart = n > 0 ? lineStart === n : state.atLineStart;
  return ends;
}

/** The fields of a stream chunk the relay looks at. */
interface StreamChunk {
  choices?: unknown;
  usage?: unknown;
}

/** The usage-only chunk `include_usage` adds at the end of a stream: `choices: []` and a `usage` object. */
function isUsageOnlyChunk(c: StreamChunk): boolean {
  return (
    Array.isArray(c.choices) && c.choices.length === 0 && typeof c.usage === 'object' && c.usage !== null
  );
}

/** Whether an event block (its bytes through the blank line) is a usage-only chunk. */
function isUsageOnlyBlock(block: Buffer): boolean {
  let usageOnly = false;
  const p = new SseParser((ev) => {
    try {
      usageOnly ||= isUsageOnlyChunk(JSON.parse(ev.data) as StreamChunk);
    } catch {
      // Not JSON: not the usage chunk.
    }
  });
  p.push(block);
  p.end();
  return usageOnly;
}

/** Where the first blank line at or after `from` ends (the text's length if there is none). */
function nextBlankLineEnd(text: string, from: number, hasCR: boolean): number {
  const lf = text.indexOf('\n\n', from);
  const crlf = hasCR ? text.indexOf('\r\n\r\n', from) : -1;
  const end = Math.min(lf < 0 ? Infinity : lf + 2, crlf < 0 ? Infinity : crlf + 4);
  return end === Infinity ? text.length : end;
}

/**
 * A `"usage"` key with an object value, or cut off at the end of the text (its value may be an object in the next
 * chunk); `"usage":null`, on every chunk of an include_usage stream, does not match. One regular expression: a
 * 64-token chunk costs ~4 µs this way against ~17 µs for an indexOf loop over its 64 keys (measured).
 */
const USAGE_OBJECT = /"usage"[ \t\r\n]*(?::[ \t\r\n]*(?:\{|$)|$)/;

/** Where the first `"usage"` key with an object value starts (-1: none). */
function usageObjectIndex(text: string): number {
  const m = USAGE_OBJECT.exec(text);
  return m === null ? -1 : m.index;
}

function takeUsage(usage: unknown, r: RelayResult): void {
  const u = usageCounts(usage);
  if (u.promptTokens !== null) r.promptTokens = u.promptTokens;
  if (u.completionTokens !== null) r.completionTokens = u.completionTokens;
  if (u.cachedPromptTokens !== null) r.cachedTokens = u.cachedPromptTokens;
}

function readJsonUsage(body: Buffer, r: RelayResult): void {
  const tail = usageAtEnd(body);
  if (tail !== undefined) {
    takeUsage(tail, r);
    return;
  }
  try {
    takeUsage((JSON.parse(body.toString('utf8')) as { usage?: unknown }).usage, r);
  } catch {
    // A body that is not JSON has no usage to read; it was relayed as is.
  }
}

const USAGE_KEY = Buffer.from('"usage"');

/**
 * The `usage` object when it is the last member of the body's top-level object, as vLLM (and the simulator)
 * write it: only that object is decoded and parsed, not the whole answer. Undefined otherwise (OpenAI puts
 * `service_tier` after it, say): the caller then parses the whole body. In JSON text `"usage"` followed by a
 * colon can only be a key (inside a string its quotes would be escaped); the value is taken from after the colon
 * to the body's final `}`, and it only parses as one JSON object when that `}` closes the object holding the key,
 * which, being the last byte, is the top-level one.
 */
function usageAtEnd(body: Buffer): object | undefined {
  const key = body.lastIndexOf(USAGE_KEY);
  if (key < 0) return undefined;
  const end = lastNonSpace(body, key);
  if (body[end] !== 0x7d) return undefined;
  let colon = key + USAGE_KEY.length;
  while (colon < end && isJsonSpace(body[colon])) colon++;
  if (body[colon] !== 0x3a) return undefined;
  try {
    const v: unknown = JSON.parse(body.toString('utf8', colon + 1, end));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
