/**
 * The one Server-Sent Events parser of llmops: an incremental implementation of the WHATWG "event stream
 * interpretation" (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 *
 * It sits on the hot path of the load generator (hundreds of thousands of events per second on one core), so it
 * works on whole strings: UTF-8 is decoded per chunk by the native TextDecoder, line ends are found with indexOf,
 * and only a partial trailing line is carried over between chunks. Every byte is scanned once, whatever the
 * chunking, so a huge event delivered in tiny chunks stays linear.
 */

/** One dispatched event, exactly as the WHATWG algorithm would hand it to a `MessageEvent`. */
export interface SseEvent {
  /** The `event:` field, or `'message'` when the block had none (or an empty one). */
  event: string;
  /** The `data:` lines of the block joined with `\n`. */
  data: string;
  /** The last event ID seen so far in the stream (it persists across events), or undefined if none was set. */
  id: string | undefined;
  /** The reconnection time (ms) most recently set by a `retry:` field in the stream, or undefined if none was. */
  retry: number | undefined;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const BOM = '\uFEFF';
const ONLY_DIGITS = /^[0-9]+$/;
const STREAM = { stream: true } as const;

// fatal: false → malformed bytes become U+FFFD as the spec's "UTF-8 decode" requires. ignoreBOM: true keeps a
// BOM in the output, because the BOM is stripped by hand once so that string chunks get the same treatment.
const newDecoder = () => new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
/**
 * Decodes chunks that end in ASCII, after which no decoder holds anything: never called with `stream`, so it is
 * stateless and shared. Its replacement of malformed bytes is the streaming decoder's (the tests check both ways).
 */
const WHOLE = newDecoder();

/**
 * Incremental parser: feed it chunks as they arrive with {@link push}, then call {@link end}. Callbacks run
 * synchronously inside `push`; if one throws, the rest of that chunk is lost, so discard the parser.
 */
export class SseParser {
  /** Made on first need: a chunk that ends inside (or right after) a multi-byte character. */
  private decoder: ReturnType<typeof newDecoder> | undefined;
  /** The streaming decoder may hold the start of a character: bytes go through it until a chunk ends in ASCII. */
  private decoderHolds = false;
  /** Text of a line whose end has not arrived yet. */
  private carry = '';
  /** The previous text ended with CR, so an LF starting the next text belongs to that same line end. */
  private lastWasCR = false;
  private bomChecked = false;
  /** Continuation bytes of a UTF-8 character the decoder still waits for (0 after a complete character). */
  private utf8Need = 0;
  private ended = false;
  private data = '';
  private hasData = false;
  private eventType = '';
  private lastEventId: string | undefined = undefined;
  private reconnectionTime: number | undefined = undefined;

  constructor(
    private readonly onEvent: (ev: SseEvent) => void,
    private readonly onComment?: (text: string) => void,
  ) {}

  /** Feeds the next piece of the stream. Bytes may be split anywhere, even inside a UTF-8 character. */
  push(chunk: Uint8Array | string): void {
    if (this.ended) throw new Error('SseParser: push() after end()');
    if (typeof chunk === 'string') {
      // Bytes still held by the decoder precede this text; flush them so the order is kept.
      this.flushDecoder();
      this.feed(chunk);
      return;
    }
    if (chunk.length === 0) return;
    this.utf8Need = utf8BytesMissing(chunk, this.utf8Need);
    const last = chunk[chunk.length - 1] as number;
    // Almost every chunk ends with a line end: it is decoded whole, by the stateless decoder, which keeps Node's
    // fast path. A streaming decoder costs an ICU converter (~5 µs) per parser, and one parser serves one request.
    if (!this.decoderHolds && last < 0x80) {
      this.feed(WHOLE.decode(chunk));
      return;
    }
    this.decoderHolds = last >= 0x80;
    this.feed((this.decoder ??= newDecoder()).decode(chunk, STREAM));
  }

  /**
   * Marks the end of the stream. Per the spec, an event whose terminating blank line never arrived is discarded,
   * not dispatched; check {@link pendingBytes} to tell such a truncated stream from a clean end.
   */
  end(): void {
    if (this.ended) return;
    // An incomplete UTF-8 sequence at the very end decodes to U+FFFD, which then shows up as a partial line.
    this.flushDecoder();
    this.ended = true;
  }

  private flushDecoder(): void {
    if (!this.decoderHolds) return;
    this.decoderHolds = false;
    const held = (this.decoder as ReturnType<typeof newDecoder>).decode();
    if (held.length > 0) this.feed(held);
  }

  /**
   * True when the stream so far ends inside an event: a line without its line end, or fields (`data`, `event`)
   * of a block whose blank line has not been seen. After {@link end} this means the stream was cut mid-event.
   */
  get pendingBytes(): boolean {
    return this.carry.length > 0 || this.hasData || this.eventType.length > 0;
  }

  /**
   * True when nothing of a line or of an event is partly received: no partial line, no `data`/`event` field of an
   * unfinished event, no half of a UTF-8 character held back (a comment or `id` line may precede the next event; it
   * dispatches nothing alone). A relay may then pass the bytes it received on as they are, knowing that no event it
   * might rewrite later started in them.
   */
  get atEventBoundary(): boolean {
    return !this.pendingBytes && this.utf8Need === 0;
  }

  /** The stream's last event ID so far (WHATWG "last event ID buffer"). */
  get lastId(): string | undefined {
    return this.lastEventId;
  }

  /** The reconnection time (ms) the stream asked for, if any. */
  get retry(): number | undefined {
    return this.reconnectionTime;
  }

  private feed(text: string): void {
    if (text.length === 0) return;
    if (!this.bomChecked) {
      this.bomChecked = true;
      if (text.startsWith(BOM)) {
        text = text.slice(1);
        if (text.length === 0) return;
      }
    }
    let pos = 0;
    if (this.lastWasCR) {
      this.lastWasCR = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    this.scanLines(text, pos);
  }

  /** Splits `text` (from `pos`) into lines; the unterminated tail is kept in `carry`. */
  private scanLines(text: string, pos: number): void {
    const len = text.length;
    // Next known positions of each terminator; recomputed only once passed, so each scan is linear in `text`.
    let lf = text.indexOf('\n', pos);
    let cr = text.indexOf('\r', pos);
    while (pos < len) {
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
      let end: number;
      if (lf === -1) {
        if (cr === -1) break;
        end = cr;
      } else {
        end = cr === -1 || lf < cr ? lf : cr;
      }
      let line = text.slice(pos, end);
      if (this.carry.length > 0) {
        line = this.carry + line;
        this.carry = '';
      }
      pos = end + 1;
      if (text.charCodeAt(end) === CR) {
        if (pos === len) this.lastWasCR = true;
        else if (text.charCodeAt(pos) === LF) pos++;
      }
      this.processLine(line);
    }
    if (pos < len) {
      // V8 concatenates lazily (ropes), so a long line built from many chunks is flattened only once.
      this.carry = pos === 0 ? this.carry + text : this.carry + text.slice(pos);
    }
  }

  private processLine(line: string): void {
    const len = line.length;
    if (len === 0) {
      this.dispatch();
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) {
      if (this.onComment !== undefined) {
        this.onComment(line.slice(line.charCodeAt(1) === SPACE ? 2 : 1));
      }
      return;
    }
    if (colon === -1) {
      this.processField(line, '');
      return;
    }
    const start = colon + 1 < len && line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1;
    this.processField(line.slice(0, colon), line.slice(start));
  }

  private processField(field: string, value: string): void {
    switch (field) {
      case 'data':
        if (this.hasData) {
          this.data += '\n' + value;
        } else {
          this.data = value;
          this.hasData = true;
        }
        return;
      case 'event':
        this.eventType = value;
        return;
      case 'id':
        // A NUL would make the ID unusable in a Last-Event-ID header; the spec says to ignore the field.
        if (!value.includes('\0')) this.lastEventId = value;
        return;
      case 'retry':
        if (ONLY_DIGITS.test(value)) this.reconnectionTime = Number.parseInt(value, 10);
        return;
      default:
      // Unknown fields are ignored, as the spec requires.
    }
  }

  private dispatch(): void {
    if (!this.hasData) {
      // A block without data lines dispatches nothing, but still forgets its event type.
      this.eventType = '';
      return;
    }
    const ev: SseEvent = {
      event: this.eventType.length > 0 ? this.eventType : 'message',
      data: this.data,
      id: this.lastEventId,
      retry: this.reconnectionTime,
    };
    this.data = '';
    this.hasData = false;
    this.eventType = '';
    this.onEvent(ev);
  }
}

/**
 * How many continuation bytes the UTF-8 character at the end of `chunk` still lacks, given how many were missing
 * before it. A character is at most 4 bytes, so the last lead byte lies within the last 4 bytes of a valid chunk;
 * shorter chunks are walked from the previous state.
 */
function utf8BytesMissing(chunk: Uint8Array, before: number): number {
  const len = chunk.length;
  if (len < 4) {
    let need = before;
    for (let i = 0; i < len; i++) need = nextNeed(need, chunk[i] as number);
    return need;
  }
  let cont = 0;
  while (cont < 3 && ((chunk[len - 1 - cont] as number) & 0xc0) === 0x80) cont++;
  const lead = chunk[len - 1 - cont] as number;
  return Math.max(0, seqLength(lead) - 1 - cont);
}

/** Bytes of the sequence a byte starts (1 for ASCII and for bytes that start none). */
function seqLength(b: number): number {
  return b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
}

function nextNeed(need: number, b: number): number {
  if ((b & 0xc0) === 0x80) return need > 0 ? need - 1 : 0;
  return seqLength(b) - 1;
}
