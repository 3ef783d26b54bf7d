import type { Rng } from './rng.js';

// Plain ASCII words, so a token's JSON form is the word itself and chunks are built by concatenation.
const WORDS = (
  'the of and to in is that for it as with was on be by this are at from or an have not which but they ' +
  'model token latency batch cache memory request answer stream server client metric queue decode prefill ' +
  'throughput budget system signal value context window layer weight tensor kernel vector matrix graph node ' +
  'cluster endpoint gateway proxy robot gesture prompt reply measure observe sample percentile histogram ' +
  'rate limit error retry timeout quota project audit event report chart trace span time first last each ' +
  'every more less fast slow steady under over above below between within without across through during ' +
  'simple clear exact careful useful quiet bright small large short long early late open closed ready ' +
  'data store index table column record field schema format version update create delete select commit'
).split(' ');

const PIECES: readonly string[] = WORDS.map((w) => ' ' + w);
const SENTENCE_END = '.';

/**
 * Produces the text of a simulated answer one token at a time. Every token is a short ASCII piece (a word with its
 * leading space, or a full stop), deterministic for the generator's seed.
 */
export function generateTokens(rng: Rng, count: number): string[] {
  const out = new Array<string>(count);
  let sinceStop = 0;
  for (let i = 0; i < count; i++) {
    if (i === 0) {
      // An answer starts with a capitalised word and no leading space, as a model's would.
      const w = WORDS[Math.floor(rng.next() * WORDS.length)] as string;
      out[0] = w.charAt(0).toUpperCase() + w.slice(1);
      continue;
    }
    if (sinceStop >= 8 && rng.next() < 0.15) {
      out[i] = SENTENCE_END;
      sinceStop = 0;
    } else {
      out[i] = PIECES[Math.floor(rng.next() * PIECES.length)] as string;
      sinceStop++;
    }
  }
  return out;
}

/**
 * Applies stop sequences the way vLLM does: the answer ends before the first occurrence of any stop string, which
 * is not included. Returns the (possibly shortened) token list and whether a stop string was hit.
 */
export function applyStop(
  tokens: string[],
  stops: readonly string[],
): { tokens: string[]; stopped: boolean } {
  if (stops.length === 0) return { tokens, stopped: false };
  let text = '';
  for (let i = 0; i < tokens.length; i++) {
    const before = text.length;
    text += tokens[i];
    let cut = -1;
    for (const s of stops) {
      if (s.length === 0) continue;
      const at = text.indexOf(s, Math.max(0, before - s.length + 1));
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) return { tokens: truncateAt(tokens, cut), stopped: true };
  }
  return { tokens, stopped: false };
}

/** The tokens whose joined text is the first `chars` characters of the joined input (the last one possibly cut). */
function truncateAt(tokens: readonly string[], chars: number): string[] {
  const kept: string[] = [];
  let len = 0;
  for (const t of tokens) {
    if (len + t.length <= chars) {
      kept.push(t);
      len += t.length;
      continue;
    }
    if (chars > len) kept.push(t.slice(0, chars - len));
    break;
  }
  return kept;
}

/** A rough tokenizer: about four characters a token, at least one, as most BPE vocabularies average on English. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
