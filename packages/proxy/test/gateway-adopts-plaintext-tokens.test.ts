import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecret, hashToken, parseEncryptionKey } from '../src/crypto/index.js';
import { ENCRYPTION_KEY, startGateway, UPSTREAM_KEY, type Gateway } from './gateway-harness.js';

/*
 * A database written by the Go llm-proxy run without ENCRYPTION_KEY keeps its tokens in clear. The gateway looks
 * tokens up by their SHA-256, so it must hash them when it adopts the file — and leave no copy of them in it.
 */

const SCHEMA = readFileSync(new URL('./fixtures/llm-proxy-schema.sql', import.meta.url), 'utf8');
/** Tokens as the original generates them: `sk-` + 22 base64url characters. */
const UNLIMITED = 'sk-AAGVBk3yfQ2xZqv1Wm_T8w';
const LIMITED = 'sk-AAGVBk3zKj7-Pp0Lr4uN1g';
/** mattn/go-sqlite3 writes time.Time as `2006-01-02 15:04:05.999999999-07:00`. */
const goTime = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '123456+00:00');

function writeOriginalDatabase(path: string): void {
  const now = new Date();
  const inAnHour = new Date(now.getTime() + 3_600_000);
  const go = new BetterSqlite3(path);
  try {
    go.exec(SCHEMA);
    go.prepare(
      'insert into projects (id, name, api_key, is_active, created_at, updated_at) values (?, ?, ?, 1, ?, ?)',
    ).run('p-go', 'legacy', UPSTREAM_KEY, goTime(now), goTime(now));
    const token = go.prepare(
      `insert into tokens (id, token, project_id, expires_at, is_active, request_count, max_requests, created_at)
       values (?, ?, 'p-go', ?, 1, ?, ?, ?)`,
    );
    token.run('t-unlimited', UNLIMITED, goTime(inAnHour), 7, null, goTime(now));
    // One use left of two: the limit keeps counting from the original's request_count.
    token.run('t-limited', LIMITED, goTime(inAnHour), 1, 2, goTime(now));
  } finally {
    go.close();
  }
}

/** Every file of the database (main, WAL, shared memory) as text, to look for a token in clear. */
function databaseFiles(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.startsWith('original.db'))
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n');
}

describe('adopting an llm-proxy database with plaintext tokens', () => {
  let dir: string;
  let gw: Gateway;

  const chat = (token: string): Promise<Response> =>
    fetch(`${gw.proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'sim-small',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 2,
      }),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmops-adopt-'));
    writeOriginalDatabase(join(dir, 'original.db'));
    // As the original ran: no ENCRYPTION_KEY.
    gw = await startGateway({ proxy: { databasePath: join(dir, 'original.db'), encryptionKey: undefined } });
  });
  afterAll(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the original tokens working through /v1', async () => {
    const res = await chat(UNLIMITED);
    expect(res.status).toBe(200);
    await res.text();
  });

  it("counts a limited token's quota from the original's request_count", async () => {
    const first = await chat(LIMITED);
    expect(first.status).toBe(200);
    await first.text();
    const second = await chat(LIMITED);
    expect(second.status).toBe(429);
    await second.text();
  });

  it('stores them only as their SHA-256, with the display form kept, and no copy in clear in the files', async () => {
    const listed = await gw.manage<{ id: string; token: string }[]>('GET', '/manage/tokens');
    expect(listed.body.find((t) => t.id === 't-unlimited')?.token).toBe(`sk-AAGV${'*'.repeat(14)}_T8w`);
    const raw = new BetterSqlite3(join(dir, 'original.db'), { readonly: true });
    try {
      const stored = raw.prepare('select token from tokens order by id').pluck().all();
      expect(stored).toEqual([hashToken(LIMITED), hashToken(UNLIMITED)]);
    } finally {
      raw.close();
    }
    const files = databaseFiles(dir);
    expect(files).not.toContain(UNLIMITED);
    expect(files).not.toContain(LIMITED);
  });
});

describe('adopting an llm-proxy database with plaintext upstream keys, started with ENCRYPTION_KEY', () => {
  let dir: string;
  let gw: Gateway;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmops-adopt-keys-'));
    writeOriginalDatabase(join(dir, 'original.db'));
    gw = await startGateway({
      proxy: { databasePath: join(dir, 'original.db'), encryptionKey: ENCRYPTION_KEY },
    });
  });
  afterAll(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('encrypts them at rest (enc:v1:), leaves no copy in clear in the files, and keeps proxying', async () => {
    const res = await fetch(`${gw.proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${UNLIMITED}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'sim-small',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 2,
      }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const raw = new BetterSqlite3(join(dir, 'original.db'), { readonly: true });
    try {
      const stored = raw.prepare("select api_key from projects where id = 'p-go'").pluck().get() as string;
      expect(stored.startsWith('enc:v1:')).toBe(true);
      expect(decryptSecret(stored, parseEncryptionKey(ENCRYPTION_KEY))).toBe(UPSTREAM_KEY);
    } finally {
      raw.close();
    }
    expect(databaseFiles(dir)).not.toContain(UPSTREAM_KEY);
  });
});
