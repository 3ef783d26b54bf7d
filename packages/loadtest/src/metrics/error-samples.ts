import { redactSecrets } from '@llmops/core';

/** Distinct messages kept per error class; the others are counted, not kept. */
export const SAMPLES_PER_CLASS = 20;
/** A message is cut to this many characters (an HTML error page says nothing useful past its start). */
export const SAMPLE_MESSAGE_CHARS = 200;

/** One distinct failure of an error class: the HTTP status (0 without an answer), what was said, how often. */
export interface ErrorSample {
  status: number;
  message: string;
  count: number;
}

export interface ClassSamples {
  /** Most frequent first (ties by status, then message). */
  samples: ErrorSample[];
  /** Failures of the class whose message is not among `samples`. */
  other: number;
}

export type SerializedErrorSamples = Record<string, ClassSamples>;

interface Kept {
  byKey: Map<string, ErrorSample>;
  other: number;
}

/**
 * What the failures of a run said, per error class (`HTTP 404: The model 'gpt-4o' does not exist`), so a report
 * tells why requests failed, not only how many. Memory is bounded: per class the {@link SAMPLES_PER_CLASS}
 * distinct (status, message) pairs that sort first are kept with exact counts and the rest only counted. Which
 * pairs those are depends on the set of pairs seen, not on their order, so N workers' samples merged are exactly
 * those of one process recording every failure.
 */
export class ErrorSamples {
  private readonly byClass = new Map<string, Kept>();

  /** Notes `count` failures of class `cls` with this status and message (redacted and cut here). */
  note(cls: string, status: number, message: string, count = 1): void {
    this.add(cls, { status, message: sampleMessage(message, status), count });
  }

  private kept(cls: string): Kept {
    let kept = this.byClass.get(cls);
    if (kept === undefined) this.byClass.set(cls, (kept = { byKey: new Map(), other: 0 }));
    return kept;
  }

  private add(cls: string, s: ErrorSample): void {
    const kept = this.kept(cls);
    const key = sampleKey(s);
    const have = kept.byKey.get(key);
    if (have !== undefined) {
      have.count += s.count;
      return;
    }
    if (kept.byKey.size < SAMPLES_PER_CLASS) {
      kept.byKey.set(key, { ...s });
      return;
    }
    // Full: the pair that sorts last leaves (its count goes to `other`), unless it is this one.
    let last = key;
    for (const k of kept.byKey.keys()) if (k > last) last = k;
    if (last === key) {
      kept.other += s.count;
      return;
    }
    kept.other += (kept.byKey.get(last) as ErrorSample).count;
    kept.byKey.delete(last);
    kept.byKey.set(key, { ...s });
  }

  merge(other: ErrorSamples): void {
    for (const [cls, k] of other.byClass) {
      for (const s of k.byKey.values()) this.add(cls, s);
      if (k.other > 0) this.addOther(cls, k.other);
    }
  }

  private addOther(cls: string, n: number): void {
    this.kept(cls).other += n;
  }

  /** Per class (sorted by name): the samples, most frequent first. */
  toJSON(): SerializedErrorSamples {
    const out: SerializedErrorSamples = {};
    for (const cls of [...this.byClass.keys()].sort()) {
      const k = this.byClass.get(cls) as Kept;
      const samples = [...k.byKey.values()]
        .map((s) => ({ ...s }))
        .sort((a, b) => b.count - a.count || a.status - b.status || (a.message < b.message ? -1 : 1));
      out[cls] = { samples, other: k.other };
    }
    return out;
  }

  static fromJSON(s: SerializedErrorSamples | undefined): ErrorSamples {
    const e = new ErrorSamples();
    for (const [cls, c] of Object.entries(s ?? {})) {
      for (const x of c.samples) e.add(cls, x);
      if (c.other > 0) e.addOther(cls, c.other);
    }
    return e;
  }
}

/** Pairs sort by this key: the status (fixed width, so 404 < 500), then the message. */
function sampleKey(s: { status: number; message: string }): string {
  return `${String(s.status).padStart(3, '0')} ${s.message}`;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text from a server (an error message, a request id) made safe to print on a terminal: every control character
 * (an escape sequence's start, a CR or LF that would fake another line) becomes `?`.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, '?');
}

/**
 * The message as shown: secrets redacted, whitespace collapsed, control characters replaced (it is printed on
 * terminals: the summary, loadgen's lines, `--debug`), without the client's `HTTP <status>: ` prefix
 * (the status is shown beside it), cut to {@link SAMPLE_MESSAGE_CHARS}.
 */
export function sampleMessage(message: string, status: number): string {
  let m = printable(redactSecrets(message).replace(/\s+/g, ' ').trim());
  const prefix = `HTTP ${status}: `;
  if (status > 0 && m.startsWith(prefix)) m = m.slice(prefix.length);
  return m.length > SAMPLE_MESSAGE_CHARS ? `${m.slice(0, SAMPLE_MESSAGE_CHARS - 1)}…` : m;
}
