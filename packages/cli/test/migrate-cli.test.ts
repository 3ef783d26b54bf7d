import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../../../test-support/spawn-cli.js';

const SCHEMA = readFileSync(
  new URL('../../proxy/test/fixtures/llm-proxy-schema.sql', import.meta.url),
  'utf8',
);
const UPSTREAM_KEY = 'sk-upstream-migrate-cli-0123456789';
const TOKEN = 'sk-AAGVBk3yfQ2xZqv1Wm_T8w';

describe('llmops migrate, with the original llm-proxy verbs', () => {
  let dir: string;
  let db: string;
  const migrate = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [CLI_BIN, 'migrate', ...args, '--database-path', db], {
      env: { ...process.env, ENCRYPTION_KEY: '', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
  };

  beforeAll(() => {
    // A database as the Go llm-proxy writes it without ENCRYPTION_KEY: key and token in clear.
    dir = mkdtempSync(join(tmpdir(), 'llmops-migrate-'));
    db = join(dir, 'original.db');
    const go = new BetterSqlite3(db);
    const now = '2026-11-24 10:00:00.123456+00:00';
    go.exec(SCHEMA);
    go.prepare(
      'insert into projects (id, name, api_key, is_active, created_at, updated_at) values (?, ?, ?, 1, ?, ?)',
    ).run('p-go', 'legacy', UPSTREAM_KEY, now, now);
    go.prepare(
      `insert into tokens (id, token, project_id, is_active, request_count, created_at)
       values ('t-1', ?, 'p-go', 1, 0, ?)`,
    ).run(TOKEN, now);
    go.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('status and encrypt-status say what is pending and what is in clear', () => {
    const status = migrate(['status']);
    expect(status.code).toBe(0);
    expect(status.out.split('\n')).toHaveLength(5);
    expect(status.out).toMatch(/^Pending +001_initial$/m);
    const clear = migrate(['encrypt-status']);
    expect(clear).toMatchObject({ code: 1, out: 'upstream keys in clear: 1; tokens in clear: 1' });
  });

  it('encrypt needs ENCRYPTION_KEY, then hashes the tokens and encrypts the keys, leaving neither in the file', () => {
    expect(migrate(['encrypt']).code).toBe(2);
    const key = randomBytes(32).toString('base64');
    const r = migrate(['encrypt'], { ENCRYPTION_KEY: key });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1 upstream key encrypted/);
    expect(migrate(['encrypt-status'])).toMatchObject({
      code: 0,
      out: 'upstream keys in clear: 0; tokens in clear: 0',
    });
    const bytes = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('');
    expect(bytes).not.toContain(UPSTREAM_KEY);
    expect(bytes).not.toContain(TOKEN);
  });

  it('version, down and up move one migration at a time; an unknown verb is refused', () => {
    expect(migrate(['version']).out).toBe('version 5 (005_hash_plaintext_tokens)');
    expect(migrate(['down']).out).toMatch(/undid 005_hash_plaintext_tokens$/);
    expect(migrate(['version']).out).toBe('version 4 (004_lean_audit_indexes)');
    expect(migrate(['status']).out).toMatch(/^Pending +005_hash_plaintext_tokens$/m);
    expect(migrate(['up']).out).toMatch(/: migrated$/);
    expect(migrate([]).out).toMatch(/: already up to date$/);
    const bad = migrate(['sideways']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown migrate verb "sideways"; expected one of up, down, status/);
  });
});
