import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { hashToken } from '../crypto/tokens.js';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';
import { auditEvent } from './conformance/harness.js';
import { describeStoreConformance } from './store-conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'llmops-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const freshPath = (): string => join(dir, `store-${String(++files)}.db`);

describeStoreConformance('SQLite file', () => openSqliteStore({ path: freshPath() }), {
  openPair: async () => {
    const path = freshPath();
    return [await openSqliteStore({ path }), await openSqliteStore({ path })] as const;
  },
});

describeStoreConformance(
  'SQLite file, audit on its own thread',
  () => openSqliteStore({ path: freshPath(), auditThread: true }),
  {
    openPair: async () => {
      const path = freshPath();
      return [
        await openSqliteStore({ path, auditThread: true }),
        await openSqliteStore({ path, auditThread: true }),
      ] as const;
    },
  },
);

describeStoreConformance('SQLite :memory:', () => openSqliteStore({ path: ':memory:' }), {
  pairSkipReason: 'each :memory: connection is a separate database',
});

describe('openSqliteStore', () => {
  it('creates the parent directory of the database file', async () => {
    const path = join(dir, 'nested', 'deeper', 'gateway.db');
    const store = await openSqliteStore({ path });
    await store.migrate();
    await store.close();
    expect(existsSync(path)).toBe(true);
  });

  it('sets WAL, foreign keys, NORMAL sync and the busy timeout', async () => {
    const store = await openSqliteStore({ path: freshPath(), busyTimeoutMs: 1234 });
    try {
      const pragma = async (name: string): Promise<unknown> => {
        const { rows } = await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(store.db);
        return Object.values(rows[0] ?? {})[0];
      };
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('synchronous')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(1234);
    } finally {
      await store.close();
    }
  });

  it('stores timestamps as ISO-8601 UTC text and booleans as 0/1', async () => {
    const path = freshPath();
    const store = await openSqliteStore({ path });
    await store.migrate();
    await store.createProject({ id: 'p', name: 'p', apiKeyStored: 'k', upstreamUrl: null });
    await store.close();
    const raw = new BetterSqlite3(path, { readonly: true });
    try {
      const row = raw.prepare('select is_active, created_at from projects').get() as Record<string, unknown>;
      expect(row.is_active).toBe(1);
      expect(row.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    } finally {
      raw.close();
    }
  });
});

/** The original's `scripts/schema.sql`, abridged to what matters: same tables, columns and index names. */
const GO_SCHEMA = `
    CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, api_key TEXT NOT NULL,
      is_active BOOLEAN NOT NULL DEFAULT 1, deactivated_at DATETIME,
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP);
    CREATE INDEX idx_projects_name ON projects(name);
    CREATE TABLE tokens (id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, project_id TEXT NOT NULL, expires_at DATETIME,
      is_active BOOLEAN NOT NULL DEFAULT 1, deactivated_at DATETIME, request_count INTEGER NOT NULL DEFAULT 0,
      max_requests INTEGER, created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, last_used_at DATETIME,
      cache_hit_count INTEGER NOT NULL DEFAULT 0, FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE CASCADE);
    CREATE INDEX idx_tokens_token ON tokens(token);
    CREATE TABLE audit_events (id TEXT PRIMARY KEY, timestamp DATETIME NOT NULL, action TEXT NOT NULL,
      actor TEXT NOT NULL, project_id TEXT, request_id TEXT, correlation_id TEXT, client_ip TEXT, method TEXT,
      path TEXT, user_agent TEXT, outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied', 'error')),
      reason TEXT, token_id TEXT, metadata TEXT);
  `;

describe('adopting a database written by the Go llm-proxy', () => {
  /** mattn/go-sqlite3 writes time.Time as `2006-01-02 15:04:05.999999999-07:00`. */
  const goTime = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '123456+00:00');

  it('keeps its rows readable and its timestamps comparable', async () => {
    const path = freshPath();
    const now = new Date();
    const inAnHour = new Date(now.getTime() + 3_600_000);
    const go = new BetterSqlite3(path);
    go.exec(GO_SCHEMA);
    go.prepare(
      'insert into projects (id, name, api_key, is_active, created_at, updated_at) values (?, ?, ?, 1, ?, ?)',
    ).run('p-go', 'legacy', 'sk-plain-upstream-key', goTime(now), '2025-01-01 10:00:00');
    go.prepare(
      'insert into tokens (id, token, project_id, expires_at, is_active, created_at) values (?, ?, ?, ?, 1, ?)',
    ).run('t-go', 'sk-ABCDefghijklmnopqrXYZ1', 'p-go', goTime(inAnHour), goTime(now));
    go.prepare(
      "insert into audit_events (id, timestamp, action, actor, outcome, metadata) values (?, ?, 'token.create', 'management_api', 'success', ?)",
    ).run('a-go', goTime(now), '{"duration_minutes":60}');
    go.close();

    const store = await openSqliteStore({ path });
    try {
      await store.migrate();
      expect(await store.isReady()).toBe(true);
      expect(await store.getProject('p-go')).toMatchObject({
        apiKeyStored: 'sk-plain-upstream-key',
        upstreamUrl: null,
        isActive: true,
        updatedAt: new Date('2025-01-01T10:00:00.000Z'),
      });
      expect(await store.getToken('t-go')).toMatchObject({
        obfuscated: 'sk-ABCD**************XYZ1',
        expiresAt: inAnHour,
      });
      // Same day, an hour before expiry: compared as legacy text (' ' < 'T') this would already read as expired.
      // The plaintext token was replaced by its hash (migration 005), the form every lookup uses.
      expect((await store.useToken(hashToken('sk-ABCDefghijklmnopqrXYZ1'), now)).ok).toBe(true);
      const audit = await store.queryAudit({ page: 1, pageSize: 10, startTime: new Date(now.getTime() - 1) });
      expect(audit.items.map((e) => [e.id, e.metadata])).toEqual([['a-go', { duration_minutes: 60 }]]);
    } finally {
      await store.close();
    }
  });
});

describe('hashing the plaintext tokens of an adopted database (migration 005)', () => {
  const CLEAR = 'sk-ABCDefghijklmnopqrXYZ1';

  async function adopted(tokens: Record<string, string>): Promise<string> {
    const path = freshPath();
    const go = new BetterSqlite3(path);
    go.exec(GO_SCHEMA);
    go.prepare(
      "insert into projects (id, name, api_key, created_at, updated_at) values ('p', 'p', 'k', ?, ?)",
    ).run('2025-01-01 10:00:00', '2025-01-01 10:00:00');
    const insert = go.prepare(
      "insert into tokens (id, token, project_id, created_at) values (?, ?, 'p', '2025-01-01 10:00:00')",
    );
    for (const [id, token] of Object.entries(tokens)) insert.run(id, token);
    go.close();
    return path;
  }

  const storedTokens = (path: string): Record<string, unknown> => {
    const raw = new BetterSqlite3(path, { readonly: true });
    try {
      const rows = raw.prepare('select id, token from tokens').all() as { id: string; token: string }[];
      return Object.fromEntries(rows.map((r) => [r.id, r.token]));
    } finally {
      raw.close();
    }
  };

  it('replaces tokens in the original format by their SHA-256 and leaves every other value alone', async () => {
    const hashed = hashToken('sk-already-hashed-elsewhere');
    const path = await adopted({ clear: CLEAR, hash: hashed, odd: 'not-a-token', short: 'sk-short' });
    const store = await openSqliteStore({ path });
    try {
      await store.migrate();
      expect(await store.getToken('clear')).toMatchObject({
        tokenHash: hashToken(CLEAR),
        obfuscated: 'sk-ABCD**************XYZ1',
      });
    } finally {
      await store.close();
    }
    expect(storedTokens(path)).toEqual({
      clear: hashToken(CLEAR),
      hash: hashed,
      odd: 'not-a-token',
      short: 'sk-short',
    });
  });

  it('is idempotent: run again (as after an interrupted start), it changes nothing', async () => {
    const path = await adopted({ clear: CLEAR });
    const first = await openSqliteStore({ path });
    await first.migrate();
    await first.close();
    const once = storedTokens(path);
    const again = await openSqliteStore({ path });
    try {
      // Forget that 005 ran, as if the process died before kysely recorded it.
      await again.db.deleteFrom('kysely_migration').where('name', '=', '005_hash_plaintext_tokens').execute();
      await again.migrate();
    } finally {
      await again.close();
    }
    expect(storedTokens(path)).toEqual(once);
  });
});

describe('the audit thread', () => {
  const threadOf = (store: object): { broken: Error | undefined } | undefined =>
    (store as { auditThread?: { broken: Error | undefined } }).auditThread;

  it('writes audit batches on a worker with its own connection, readable at once from the main one', async () => {
    const store = await openSqliteStore({ path: freshPath(), auditThread: true });
    try {
      await store.migrate();
      await store.appendAudit(Array.from({ length: 500 }, (_, i) => auditEvent({ id: `a-${String(i)}` })));
      expect(threadOf(store)?.broken).toBeUndefined();
      expect(threadOf(store)).toBeDefined();
      expect((await store.queryAudit({ page: 1, pageSize: 10 })).totalCount).toBe(500);
    } finally {
      await store.close();
    }
  });

  it('starts ahead of the first batch when asked, and that batch goes through it', async () => {
    const store = await openSqliteStore({ path: freshPath(), auditThread: true });
    try {
      await store.migrate();
      const thread = store.startAuditThread();
      expect(thread).toBeDefined();
      expect(store.startAuditThread()).toBe(thread);
      await store.appendAudit([auditEvent({ id: 'first' })]);
      expect(threadOf(store)).toBe(thread);
      expect(thread?.broken).toBeUndefined();
      expect((await store.getAudit('first'))?.id).toBe('first');
    } finally {
      await store.close();
    }
  });

  it('hands the writes back to the main connection when the thread cannot work, losing nothing', async () => {
    const store = await openSqliteStore({ path: freshPath(), auditThread: true });
    try {
      // Not migrated yet: the thread cannot prepare its insert and dies; the batch is refused, not half-written.
      await expect(store.appendAudit([auditEvent({ id: 'early' })])).rejects.toThrow();
      expect(threadOf(store)).toBeUndefined();
      await store.migrate();
      await store.appendAudit([auditEvent({ id: 'early' })]);
      expect((await store.getAudit('early'))?.id).toBe('early');
    } finally {
      await store.close();
    }
  });

  it('is used only for files: a :memory: database has no second connection', async () => {
    const store = await openSqliteStore({ path: ':memory:', auditThread: true });
    try {
      await store.migrate();
      expect(store.startAuditThread()).toBeUndefined();
      await store.appendAudit([auditEvent({ id: 'm' })]);
      expect(threadOf(store)).toBeUndefined();
      expect((await store.getAudit('m'))?.id).toBe('m');
    } finally {
      await store.close();
    }
  });
});
