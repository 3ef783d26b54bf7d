import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../crypto/index.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite-store.js';
import { TokenGate } from './token-gate.js';

/*
 * The gate against a real SQLite store whose lookups are held back on demand: what a pg or mysql driver (or a busy
 * SQLite pool) does, where a row is read now and handed over later.
 */

let dir: string;
let store: SqliteStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmops-gate-race-'));
  store = await openSqliteStore({ path: join(dir, 'gate.db') });
  await store.migrate();
  await store.createProject({ id: 'p', name: 'p', apiKeyStored: 'k', upstreamUrl: null });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function unlimitedToken(id: string): Promise<string> {
  const hash = hashToken(`sk-${id.padEnd(22, 'x')}`);
  await store.createToken({
    id,
    tokenHash: hash,
    obfuscated: 'o',
    projectId: 'p',
    expiresAt: null,
    maxRequests: null,
  });
  return hash;
}

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

describe('token gate under concurrent management writes', () => {
  it('does not remember a lookup that started before an invalidation', async () => {
    const gate = new TokenGate(store);
    const h = await unlimitedToken('revoked-mid-lookup');
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
    const h = await unlimitedToken('quiet');
    const lookup = holdNextLookup();
    const inFlight = gate.check(h);
    lookup.release();
    expect((await inFlight).ok).toBe(true);
    expect(gate.checkCached(h)).toMatchObject({ ok: true });
  });

  it("flushes one token's pending uses on request, leaving the others for the batch", async () => {
    const gate = new TokenGate(store);
    const a = await unlimitedToken('flush-a');
    const b = await unlimitedToken('flush-b');
    for (let i = 0; i < 3; i++) await gate.check(a);
    await gate.check(b);
    await gate.flushUses('flush-a');
    expect((await store.getToken('flush-a'))?.requestCount).toBe(3);
    expect((await store.getToken('flush-b'))?.requestCount).toBe(0);
    await gate.flushUses();
    expect((await store.getToken('flush-b'))?.requestCount).toBe(1);
  });
});
