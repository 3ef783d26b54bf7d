import type { Project, Store, Token, TokenUse } from '../store/index.js';

interface Entry {
  token: Token;
  project: Project;
}

export interface TokenGateOptions {
  /** Most tokens kept in memory; the oldest is dropped beyond it. */
  maxEntries?: number;
  now?: () => Date;
}

/**
 * Decides whether a token may make a request, on the request path.
 *
 * - Tokens with a `max_requests` quota go to the database every time: one atomic conditional UPDATE, so under any
 *   concurrency, in any number of processes, exactly max_requests calls succeed.
 * - Unlimited tokens are checked against an in-process copy (active, unexpired, project active) and their uses
 *   are counted in memory and written in batches (`flushUses`), keeping the database off the request path.
 * - Every management write in this process calls `invalidate()`, so a revocation or a deactivated project takes
 *   effect on the very next request. (Several gateway processes over one database need a shared invalidation
 *   signal; SQLite deployments are one process.)
 */
export class TokenGate {
  private readonly cache = new Map<string, Entry>();
  private readonly pendingUses = new Map<string, { count: number; lastUsedAt: Date }>();
  /**
   * Bumped by every `invalidate()`. A lookup that started before an invalidation may have read the row before the
   * write it announces, so its answer serves that one request but is not remembered.
   */
  private generation = 0;
  /** Flushes whose write has not finished yet: a flush for one token waits for them (see `flushUses`). */
  private readonly writing = new Set<Promise<void>>();
  private readonly maxEntries: number;
  private readonly now: () => Date;

  constructor(
    private readonly store: Store,
    opts: TokenGateOptions = {},
  ) {
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * The answer for a token known in memory without a quota, at once; undefined when the database must be asked
   * (unknown token, or a quota-limited one): then call `check`. The request path uses it to skip a promise hop.
   */
  checkCached(tokenHash: string): TokenUse | undefined {
    const entry = this.cache.get(tokenHash);
    if (entry === undefined || isLimited(entry.token)) return undefined;
    return this.useUnlimited(entry, this.now());
  }

  async check(tokenHash: string): Promise<TokenUse> {
    const now = this.now();
    let entry = this.cache.get(tokenHash);
    if (entry === undefined) {
      const generation = this.generation;
      entry = await this.store.findTokenByHash(tokenHash);
      if (entry === undefined) return { ok: false, reason: 'not_found' };
      if (generation === this.generation) this.remember(tokenHash, entry);
    }
    // A quota-limited token's copy only routes it: the atomic UPDATE decides everything, so it is looked up once,
    // not twice, per request.
    if (isLimited(entry.token)) return this.store.useToken(tokenHash, now);
    return this.useUnlimited(entry, now);
  }

  private useUnlimited(entry: Entry, now: Date): TokenUse {
    const refusal = refusalOf(entry, now);
    if (refusal) return { ok: false, reason: refusal };
    this.countUse(entry.token.id, now);
    return { ok: true, token: entry.token, project: entry.project };
  }

  /** Forgets every cached token (called after any management write). */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
  }

  /**
   * Writes the uses counted since the last flush; safe to call any time, including at shutdown. With `tokenId`,
   * only that token's, once every flush already under way has landed: when it resolves, every use of the token
   * admitted so far is in its request_count (what a new `max_requests` must be counted against).
   */
  async flushUses(tokenId?: string): Promise<void> {
    if (tokenId !== undefined) await Promise.allSettled([...this.writing]);
    const taken = tokenId === undefined ? [...this.pendingUses] : this.pendingOf(tokenId);
    if (taken.length === 0) return;
    const uses = taken.map(([id, u]) => ({ tokenId: id, ...u }));
    for (const [id] of taken) this.pendingUses.delete(id);
    const write = this.store.addTokenUses(uses);
    this.writing.add(write);
    try {
      await write;
    } catch (err) {
      // Put them back so the next flush retries: a count is never silently dropped.
      for (const u of uses) this.countUse(u.tokenId, u.lastUsedAt, u.count);
      throw err;
    } finally {
      this.writing.delete(write);
    }
  }

  private pendingOf(tokenId: string): [string, { count: number; lastUsedAt: Date }][] {
    const u = this.pendingUses.get(tokenId);
    return u === undefined ? [] : [[tokenId, u]];
  }

  private countUse(tokenId: string, at: Date, n = 1): void {
    const u = this.pendingUses.get(tokenId);
    if (u) {
      u.count += n;
      if (at > u.lastUsedAt) u.lastUsedAt = at;
    } else {
      this.pendingUses.set(tokenId, { count: n, lastUsedAt: at });
    }
  }

  private remember(hash: string, entry: Entry): void {
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(hash, entry);
  }
}

function isLimited(t: Token): boolean {
  return t.maxRequests !== null && t.maxRequests > 0;
}

function refusalOf(e: Entry, now: Date): Extract<TokenUse, { ok: false }>['reason'] | undefined {
  if (!e.token.isActive) return 'inactive';
  if (e.token.expiresAt !== null && e.token.expiresAt <= now) return 'expired';
  if (!e.project.isActive) return 'project_inactive';
  return undefined;
}
