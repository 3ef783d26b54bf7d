import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../crypto/index.js';
import { openSqliteStore, type KyselyStore } from '../store/index.js';
import { TokenGate } from './token-gate.js';

let dir: string;
let store: KyselyStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmops-gate-'));
  store = await openSqliteStore({ path: join(dir, 'gate.db') });
  await store.migrate();
  await store.createProject({ id: 'p', name: 'p', apiKeyStored: 'k', upstreamUrl: null });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function token(id: string, maxRequests: number | null, expiresAt: Date | null = null): Promise<string> {
  const hash = hashToken(`sk-${id.padEnd(22, 'x')}`);
  await store.createToken({ id, tokenHash: hash, obfuscated: 'o', projectId: 'p', expiresAt, maxRequests });
  return hash;
}

describe('token gate', () => {
  it('counts uses of unlimited tokens in memory and writes them on flush', async () => {
    const gate = new TokenGate(store);
    const h = await token('unlimited', null);
    for (let i = 0; i < 25; i++) expect((await gate.check(h)).ok).toBe(true);
    expect((await store.getToken('unlimited'))?.requestCount).toBe(0);
    await gate.flushUses();
    const t = await store.getToken('unlimited');
    expect(t?.requestCount).toBe(25);
    expect(t?.lastUsedAt).not.toBeNull();
  });

  it('sends quota-limited tokens to the database every time', async () => {
    const gate = new TokenGate(store);
    const h = await token('limited', 3);
    const results = await Promise.all(Array.from({ length: 10 }, () => gate.check(h)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect((await store.getToken('limited'))?.requestCount).toBe(3);
  });

  it('answers known unlimited tokens at once, counting the use, and sends everything else to check()', async () => {
    const gate = new TokenGate(store);
    const h = await token('fast', null);
    const limited = await token('quota', 5);
    expect(gate.checkCached(h)).toBeUndefined(); // not seen yet
    expect((await gate.check(h)).ok).toBe(true);
    expect(gate.checkCached(h)).toMatchObject({ ok: true, token: { id: 'fast' }, project: { id: 'p' } });
    expect((await gate.check(limited)).ok).toBe(true);
    expect(gate.checkCached(limited)).toBeUndefined(); // the quota is the database's to decide
    await gate.flushUses();
    expect((await store.getToken('fast'))?.requestCount).toBe(2);
    await store.updateToken('fast', { isActive: false });
    gate.invalidate();
    expect(gate.checkCached(h)).toBeUndefined();
    expect(await gate.check(h)).toEqual({ ok: false, reason: 'inactive' });
    expect(gate.checkCached(h)).toEqual({ ok: false, reason: 'inactive' });
  });

  it('sees a revocation after invalidate(), and not a stale copy', async () => {
    const gate = new TokenGate(store);
    const h = await token('revoked', null);
    expect((await gate.check(h)).ok).toBe(true);
    await store.updateToken('revoked', { isActive: false });
    gate.invalidate();
    expect(await gate.check(h)).toEqual({ ok: false, reason: 'inactive' });
  });

  it('refuses unknown, expired and project-inactive tokens with their reason', async () => {
    const gate = new TokenGate(store);
    expect(await gate.check(hashToken('sk-unknownunknownunknown0'))).toEqual({
      ok: false,
      reason: 'not_found',
    });
    const expired = await token('expired', null, new Date(Date.now() - 1000));
    expect(await gate.check(expired)).toEqual({ ok: false, reason: 'expired' });
    const h = await token('inproject', null);
    await store.updateProject('p', { isActive: false });
    expect(await gate.check(h)).toEqual({ ok: false, reason: 'project_inactive' });
  });

  it('keeps counted uses when the write fails, for the next flush', async () => {
    const gate = new TokenGate(store);
    const h = await token('retry', null);
    await gate.check(h);
    const original = store.addTokenUses.bind(store);
    store.addTokenUses = () => Promise.reject(new Error('disk full'));
    await expect(gate.flushUses()).rejects.toThrow('disk full');
    store.addTokenUses = original;
    await gate.flushUses();
    expect((await store.getToken('retry'))?.requestCount).toBe(1);
  });
});

/** Makes the next lookup read its row at once but answer only when `release()` is called. */
function holdNextLookup(): { release: () => void } {
  const original = store.findTokenByHash.bind(store);
  let release = (): void => undefined;
  const held = new Promise<void>((r) => {
    release = r;
  });
  store.findTokenByHash = async (hash) => {
    store.findTokenByHash = original;
    const row = await original(hash);
    await held;
    return row;
  };
  return { release: () => release() };
}

/*
 * Lookups held back on demand: what a pg or mysql driver (or a busy SQLite pool) does, where a row is read now and
 * handed over later.
 */
describe('token gate under concurrent management writes', () => {
  it('does not remember a lookup that started before an invalidation', async () => {
    const gate = new TokenGate(store);
    const h = await token('revoked-mid-lookup', null);
    const lookup = holdNextLookup();
    const inFlight = gate.check(h); // reads the still-active row
    await store.updateToken('revoked-mid-lookup', { isActive: false }); // DELETE /manage/tokens/:id …
    gate.invalidate(); // … and its invalidation, while the lookup is pending
    lookup.release();
    // The request that raced the revocation may pass; the stale row must not be kept for later ones.
    await inFlight;
    expect(gate.checkCached(h)).toBeUndefined();
    expect(await gate.check(h)).toEqual({ ok: false, reason: 'inactive' });
  });

  it('still remembers lookups that no invalidation overtook', async () => {
    const gate = new TokenGate(store);
    const h = await token('quiet', null);
    const lookup = holdNextLookup();
    const inFlight = gate.check(h);
    lookup.release();
    expect((await inFlight).ok).toBe(true);
    expect(gate.checkCached(h)).toMatchObject({ ok: true });
  });

  it("flushes one token's pending uses on request, leaving the others for the batch", async () => {
    const gate = new TokenGate(store);
    const a = await token('flush-a', null);
    const b = await token('flush-b', null);
    for (let i = 0; i < 3; i++) await gate.check(a);
    await gate.check(b);
    await gate.flushUses('flush-a');
    expect((await store.getToken('flush-a'))?.requestCount).toBe(3);
    expect((await store.getToken('flush-b'))?.requestCount).toBe(0);
    await gate.flushUses();
    expect((await store.getToken('flush-b'))?.requestCount).toBe(1);
  });
});
