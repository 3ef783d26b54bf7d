import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './001-initial.js';
import { upstreamAndDisplay } from './002-upstream-and-display.js';
import { canonicalTimestamps } from './003-canonical-timestamps.js';
import { leanAuditIndexes } from './004-lean-audit-indexes.js';
import { hashPlaintextTokens } from './005-hash-plaintext-tokens.js';

/** The migration that hashes an adopted llm-proxy file's plaintext tokens (the SQLite store then rewrites the file). */
export const HASH_PLAINTEXT_TOKENS = '005_hash_plaintext_tokens';

/**
 * Every migration, by name. Kysely applies them in name order and records each in `kysely_migration`, so names are
 * permanent: add new ones at the end (`006_…`), never rename or edit an applied one.
 *
 * A static list rather than kysely's FileMigrationProvider: no directory scanning, so it works the same from the
 * TypeScript sources (tests) and from `dist/` after tsc.
 */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '001_initial': initial,
  '002_upstream_and_display': upstreamAndDisplay,
  '003_canonical_timestamps': canonicalTimestamps,
  '004_lean_audit_indexes': leanAuditIndexes,
  [HASH_PLAINTEXT_TOKENS]: hashPlaintextTokens,
});

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations }),
};
