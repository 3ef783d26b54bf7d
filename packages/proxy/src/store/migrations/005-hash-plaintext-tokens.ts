import type { Kysely, Migration } from 'kysely';
import { hashToken, isTokenFormat, obfuscateToken } from '../../crypto/tokens.js';

/*
 * Replaces the plaintext tokens of an adopted llm-proxy database with their SHA-256 hex. Without ENCRYPTION_KEY the
 * original stores a token as itself (`sk-` + 22 base64url characters); llmops stores and looks up every token by
 * its hash, so such a token answered 401 token_not_found until rewritten. The hash is the original's own encrypted
 * form (unsalted lowercase hex), so the rewritten file still works with llm-proxy run with an ENCRYPTION_KEY.
 *
 * The display form is kept in `obfuscated` (a hash cannot be obfuscated). Only values in the token format are
 * touched: a hash never matches it, so the migration is idempotent and a run cut short can be repeated. Hashing is
 * done in JavaScript, one UPDATE per row, so the same code runs on PostgreSQL and MySQL (no sha256() in SQLite) and
 * inside the migrator's transaction where the dialect has one (no nested transaction here).
 */

type TokenRow = { id: string; token: string; obfuscated: string | null };
/** The table as this migration sees it, independent of later schema changes. */
type Snapshot = { tokens: TokenRow };

const PAGE = 1000;

/** Rewrites every plaintext token. */
async function rewritePlaintextTokens(db: Kysely<Snapshot>): Promise<void> {
  let after = '';
  for (;;) {
    // Keyset paging over the primary key; `like 'sk-%'` only narrows the read, the format check decides.
    const rows = await db
      .selectFrom('tokens')
      .select(['id', 'token', 'obfuscated'])
      .where('id', '>', after)
      .where('token', 'like', 'sk-%')
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      if (!isTokenFormat(row.token)) continue;
      await db
        .updateTable('tokens')
        .set({ token: hashToken(row.token), obfuscated: row.obfuscated ?? obfuscateToken(row.token) })
        // Matching the old value too: a concurrent writer's change is not overwritten.
        .where('id', '=', row.id)
        .where('token', '=', row.token)
        .execute();
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) return;
    after = last.id;
  }
}

export const hashPlaintextTokens: Migration = {
  async up(db) {
    await rewritePlaintextTokens(db as Kysely<Snapshot>);
  },
  // A hash cannot be turned back into its token; the hashed form is what llm-proxy with ENCRYPTION_KEY reads.
  async down() {},
};
