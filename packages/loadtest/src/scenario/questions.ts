/**
 * `QuestionGenerator`: natural-looking, unique questions for simulated users (contract §2, test types), built by
 * combining templates and word pools (`question-banks.ts`) — no model and no fixed list, so 100,000 questions
 * from one strategy are all different, while `prefer` reuses a small pool to exercise the KV/prefix cache.
 */
import {
  AUDIENCE_TAILS,
  BANKS,
  FILLERS,
  FORMAT_TAILS,
  GENERIC_CONTEXT,
  OPENERS,
  SHARED_POOLS,
  type QuestionBank,
} from './question-banks.js';
import { Rng } from './random.js';

export const QUESTION_STRATEGIES = [
  'historical',
  'mathematical',
  'geographical',
  'hypothetical',
  'technical',
  'mixed',
] as const;
export type QuestionStrategy = (typeof QUESTION_STRATEGIES)[number];
type TopicStrategy = Exclude<QuestionStrategy, 'mixed'>;
const TOPICS: readonly TopicStrategy[] = QUESTION_STRATEGIES.filter((s): s is TopicStrategy => s !== 'mixed');

/** `avoid`: every question new (cache misses); `prefer`: drawn from a small fixed pool (cache hits); `mixed`: half each. */
export const CACHE_BEHAVIORS = ['avoid', 'prefer', 'mixed'] as const;
export type CacheBehavior = (typeof CACHE_BEHAVIORS)[number];

/** Prompts in the `prefer` pool of one salt: after the first few requests, >80% can be cache hits. */
export const CACHED_POOL_SIZE = 16;

/** Characters per token of English text, OpenAI's rule of thumb for its tokenizers. */
export const CHARS_PER_TOKEN = 4;

/**
 * Approximate token count: characters / 4, rounded up. Real tokenizers differ by model (roughly ±20% on English
 * prose); use the server's `usage` for accounting and this only to size prompts.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

type Part = string | { readonly min: number; readonly max: number } | { readonly items: readonly string[] };

/** A template split into literal text, number ranges and pools, so filling it is a loop without regexes. */
type Template = readonly Part[];

const SLOT = /\{(\w+)(?::(\d+)-(\d+))?\}/g;

function compile(text: string, pools: Readonly<Record<string, readonly string[]>>): Template {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(SLOT)) {
    const [slot, name = '', min, max] = match;
    if (match.index > last) parts.push(text.slice(last, match.index));
    if (min !== undefined && max !== undefined) parts.push({ min: Number(min), max: Number(max) });
    else {
      const items = pools[name] ?? SHARED_POOLS[name];
      if (items === undefined || items.length === 0)
        throw new Error(`Question template "${text}": no pool {${name}}`);
      parts.push({ items });
    }
    last = match.index + slot.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng.next() * items.length)] as T;
}

/** Fills a template; a pool used twice gives two different items (no "from Lima to Lima"). */
function fill(rng: Rng, template: Template): string {
  let text = '';
  let used: string[] | undefined;
  for (const part of template) {
    if (typeof part === 'string') text += part;
    else if ('min' in part) text += String(rng.int(part.min, part.max));
    else {
      let item = pick(rng, part.items);
      for (let tries = 0; used?.includes(item) && tries < 8; tries++) item = pick(rng, part.items);
      (used ??= []).push(item);
      text += item;
    }
  }
  return text;
}

interface CompiledBank {
  readonly questions: readonly Template[];
  readonly context: readonly Template[];
}

function compileBank(bank: QuestionBank): CompiledBank {
  const compileAll = (texts: readonly string[]): Template[] => texts.map((text) => compile(text, bank.pools));
  return {
    questions: compileAll(bank.questions),
    context: [...compileAll(bank.context), ...compileAll(GENERIC_CONTEXT)],
  };
}

const COMPILED = Object.fromEntries(
  TOPICS.map((topic) => {
    const bank = BANKS[topic];
    if (bank === undefined) throw new Error(`No question bank for strategy ${topic}`);
    return [topic, compileBank(bank)];
  }),
) as Record<TopicStrategy, CompiledBank>;

const compileShared = (texts: readonly string[]): Template[] => texts.map((text) => compile(text, {}));
const OPENER_TEMPLATES = compileShared(OPENERS);
const FORMAT_TEMPLATES = compileShared(FORMAT_TAILS);
const AUDIENCE_TEMPLATES = compileShared(AUDIENCE_TAILS);

/** 0 … length−1 in random order (Fisher–Yates). */
function shuffledIndices(rng: Rng, length: number): number[] {
  const indices = Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [indices[i], indices[j]] = [indices[j] as number, indices[i] as number];
  }
  return indices;
}

/** Attempts at a context sentence short enough for the remaining space, before switching to fillers. */
const CONTEXT_TRIES = 3;

/** Context sentences before the question and short fillers after it, to reach `targetTokens` (±1 token or so). */
function pad(rng: Rng, bank: CompiledBank, question: string, targetTokens: number): string {
  let remaining = targetTokens * CHARS_PER_TOKEN - question.length;
  if (remaining < CHARS_PER_TOKEN) return question;
  const context: string[] = [];
  // Templates are taken in a shuffled order, so a long prompt uses each before repeating any.
  const order: number[] = [];
  for (let tries = 0; tries < CONTEXT_TRIES;) {
    if (order.length === 0) order.push(...shuffledIndices(rng, bank.context.length));
    const sentence = fill(rng, bank.context[order.pop() as number] as Template);
    // One more character for the space or paragraph break that joins it.
    if (sentence.length + 1 > remaining) tries++;
    else {
      context.push(sentence);
      remaining -= sentence.length + 1;
    }
  }
  const fillers: string[] = [];
  for (;;) {
    const fitting = FILLERS.filter((f) => f.length + 1 <= remaining && !fillers.includes(f));
    if (fitting.length === 0) break;
    const filler = pick(rng, fitting);
    fillers.push(filler);
    remaining -= filler.length + 1;
  }
  const body = fillers.length === 0 ? question : `${question} ${fillers.join(' ')}`;
  return context.length === 0 ? body : `${context.join(' ')}\n\n${body}`;
}

/** A question in parts, so that the optional ones can be left out to fit a short target. */
interface Composed {
  readonly topic: TopicStrategy;
  readonly opener: string;
  readonly core: string;
  readonly format: string;
  readonly audience: string;
}

/**
 * Opener, question, answer format and audience; the optional parts are often empty. The question comes from the
 * topic's bank, or from the scenario's own templates (`advanced.questionTemplates`) when it has some.
 */
function compose(rng: Rng, topic: TopicStrategy, custom: readonly Template[] | null): Composed {
  return {
    topic,
    opener: fill(rng, pick(rng, OPENER_TEMPLATES)),
    core: fill(rng, pick(rng, custom ?? COMPILED[topic].questions)),
    format: fill(rng, pick(rng, FORMAT_TEMPLATES)),
    audience: fill(rng, pick(rng, AUDIENCE_TEMPLATES)),
  };
}

const join = (...parts: string[]): string => parts.filter((part) => part !== '').join(' ');

function fullText({ opener, core, format, audience }: Composed): string {
  return join(opener, core, format, audience);
}

/** The question without padding: optional parts are dropped first if it would be longer than `targetTokens`. */
function shorten(question: Composed, targetTokens: number | undefined): string {
  const full = fullText(question);
  if (targetTokens === undefined) return full;
  const { opener, core, format } = question;
  const limit = targetTokens * CHARS_PER_TOKEN;
  const shorter = [full, join(opener, core, format), join(core, format), core];
  return shorter.find((text) => text.length <= limit) ?? core;
}

/** The question, padded to `targetTokens` if given; optional parts are dropped first if it would be too long. */
function render(rng: Rng, question: Composed, targetTokens: number | undefined): string {
  const text = shorten(question, targetTokens);
  return targetTokens === undefined ? text : pad(rng, COMPILED[question.topic], text, targetTokens);
}

/** FNV-1a over the UTF-16 code units, cut to 30 bits so that it stays a small integer in V8. */
function textHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}

/**
 * Hashes of the fresh questions a generator gave lately, in two generations of this many, so memory stays flat:
 * a repeat among them is drawn again. Without it, short targets (which leave out the opener and tails) repeat
 * up to 2.5% of 100,000 questions; a hash collision only costs a redraw.
 */
const RECENT_QUESTIONS = 65_536;
/** Draws of a fresh question before a repeat is accepted (a small custom template may have few fillings). */
const FRESH_DRAWS = 8;

export interface QuestionGeneratorOptions {
  strategy: QuestionStrategy;
  /** Chooses the `prefer` pool when there is no `cacheSalt`; give users the same seed to share one pool. */
  seed: number | string;
  /** Default `avoid`. */
  cacheBehavior?: CacheBehavior;
  /** Users with the same salt (and strategy) share one `prefer` pool, as they share vLLM's `cache_salt`. */
  cacheSalt?: string;
  /**
   * The scenario's own questions (`advanced.questionTemplates`): `{name}` takes a value of `variables[name]` (or of
   * a built-in pool), `{n:1-100}` a number. They replace the banks' questions; the openers and tails that make
   * every question unique still wrap them.
   */
  templates?: readonly { template: string; variables: Readonly<Record<string, readonly string[]>> }[];
}

/** Rendered pool prompts kept per (pool entry, target); bounded so that many distinct targets cannot grow it. */
const PADDED_CACHE_LIMIT = 1024;

export class QuestionGenerator {
  readonly strategy: QuestionStrategy;
  readonly cacheBehavior: CacheBehavior;
  private readonly poolKey: string;
  private readonly custom: readonly Template[] | null;
  private pool: readonly Composed[] | undefined;
  private readonly padded = new Map<string, string>();
  private recent = new Set<number>();
  private older = new Set<number>();

  constructor(options: QuestionGeneratorOptions) {
    this.strategy = options.strategy;
    this.cacheBehavior = options.cacheBehavior ?? 'avoid';
    const owner = options.cacheSalt === undefined ? `seed:${options.seed}` : `salt:${options.cacheSalt}`;
    this.poolKey = `questions/${this.strategy}/${owner}`;
    const t = options.templates;
    this.custom = t && t.length > 0 ? t.map((x) => compile(x.template, x.variables)) : null;
  }

  /**
   * The next question, drawn with `rng` (so a user's questions replay with its seed). With `targetTokens`, context
   * sentences are added until `estimateTokens` of the prompt is about that many; for a short target the opener and
   * tails are left out first, and a bare question longer than the target is returned as is.
   */
  next(rng: Rng, targetTokens?: number): string {
    if (targetTokens !== undefined && !(targetTokens > 0))
      throw new RangeError(`targetTokens must be a positive number, got ${targetTokens}`);
    const cached = this.cacheBehavior === 'prefer' || (this.cacheBehavior === 'mixed' && rng.chance(0.5));
    return cached ? this.fromPool(rng, targetTokens) : this.fresh(rng, targetTokens);
  }

  /** The prompts `prefer` draws from (before padding). */
  cachedPool(): readonly string[] {
    return this.pooled().map(fullText);
  }

  private topic(rng: Rng): TopicStrategy {
    return this.strategy === 'mixed' ? pick(rng, TOPICS) : this.strategy;
  }

  /** A question unlike the recent ones; only the unpadded text is compared, since padding only adds variety. */
  private fresh(rng: Rng, targetTokens: number | undefined): string {
    let question = compose(rng, this.topic(rng), this.custom);
    let text = shorten(question, targetTokens);
    for (let draws = 1; draws < FRESH_DRAWS && !this.remember(text); draws++) {
      question = compose(rng, this.topic(rng), this.custom);
      text = shorten(question, targetTokens);
    }
    return targetTokens === undefined ? text : pad(rng, COMPILED[question.topic], text, targetTokens);
  }

  /** False if `text` was given lately; else notes it. */
  private remember(text: string): boolean {
    const hash = textHash(text);
    if (this.recent.has(hash) || this.older.has(hash)) return false;
    if (this.recent.size >= RECENT_QUESTIONS) {
      this.older = this.recent;
      this.recent = new Set();
    }
    this.recent.add(hash);
    return true;
  }

  private pooled(): readonly Composed[] {
    if (this.pool === undefined) {
      const rng = new Rng(this.poolKey);
      this.pool = Array.from({ length: CACHED_POOL_SIZE }, () => compose(rng, this.topic(rng), this.custom));
    }
    return this.pool;
  }

  /** A pool prompt; padding is derived from the pool entry and target only, so the same prompt repeats exactly. */
  private fromPool(rng: Rng, targetTokens: number | undefined): string {
    const pool = this.pooled();
    const index = Math.floor(rng.next() * pool.length);
    const entry = pool[index] as Composed;
    const key = `${index}:${targetTokens ?? ''}`;
    let text = this.padded.get(key);
    if (text === undefined) {
      text = render(new Rng(`${this.poolKey}/${key}`), entry, targetTokens);
      if (this.padded.size >= PADDED_CACHE_LIMIT) this.padded.clear();
      this.padded.set(key, text);
    }
    return text;
  }
}
