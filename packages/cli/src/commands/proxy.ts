import { createLogger, defineConfig, opt } from '@llmops/core';
import {
  encryptionKeyType,
  encryptSecret,
  openSqliteStore,
  parseEncryptionKey,
  proxyConfig,
  startProxy,
  type Store,
} from '@llmops/proxy';
import { resolve } from 'node:path';
import { defineCommand } from '../command.js';

/** `llmops proxy`: the gateway, a drop-in for sofatutor/llm-proxy's `server`. */
export const proxyCommand = defineCommand({
  path: ['proxy'],
  aliases: ['server'],
  summary:
    'Run the OpenAI-compatible gateway: virtual tokens, encrypted upstream keys, management API, audit, metrics.',
  description:
    'A drop-in for sofatutor/llm-proxy (same environment variables, /manage API, token format and health paths). ' +
    "Proxies /v1/* to the upstream with a project's key, per-project upstream URLs, atomic max_requests quotas, " +
    'audit records and Prometheus metrics; SQLite by default.',
  config: proxyConfig,
  async run(config) {
    const log = createLogger({ name: 'llmops-proxy', level: config.logLevel });
    return startProxy(config, log);
  },
});

export const migrateConfig = defineConfig({
  databasePath: opt.string({
    env: 'DATABASE_PATH',
    default: './data/llm-proxy.db',
    description: 'SQLite database file.',
  }),
  dbDriver: opt.enum(['sqlite', 'postgres', 'mysql'], {
    env: 'DB_DRIVER',
    default: 'sqlite',
    description: 'Database driver (only sqlite is available yet).',
  }),
  encryptionKey: opt.custom(encryptionKeyType(), {
    env: 'ENCRYPTION_KEY',
    description: 'Key `migrate encrypt` encrypts upstream keys stored in clear with (base64 of 32 bytes).',
  }),
});

/** The original's `migrate` verbs; `up` when none is given. */
const MIGRATE_VERBS = ['up', 'down', 'status', 'version', 'encrypt', 'encrypt-status'] as const;
type MigrateVerb = (typeof MIGRATE_VERBS)[number];

/** `llmops migrate [verb]`: the gateway's database migrations (the gateway also applies them at start). */
export const migrateCommand = defineCommand({
  path: ['migrate'],
  summary: "Apply the gateway's pending database migrations (idempotent), or show, undo or encrypt.",
  description:
    "The original's verbs: up (default) applies pending migrations; status lists them; version names the last " +
    'applied; down undoes it; encrypt hashes tokens and encrypts upstream keys still stored in clear (needs ' +
    'ENCRYPTION_KEY); encrypt-status counts what is still in clear.',
  args: [{ name: 'verb', description: MIGRATE_VERBS.join(' | ') }],
  config: migrateConfig,
  async run(config, ctx) {
    const verb = (ctx.args[0] ?? 'up') as MigrateVerb;
    if (!MIGRATE_VERBS.includes(verb)) {
      ctx.err(`unknown migrate verb "${verb}"; expected one of ${MIGRATE_VERBS.join(', ')}`);
      return 2;
    }
    if (config.dbDriver !== 'sqlite') {
      ctx.err(`DB_DRIVER=${config.dbDriver} is not available yet in this build; use sqlite`);
      return 2;
    }
    if (verb === 'encrypt' && !config.encryptionKey) {
      ctx.err('migrate encrypt needs ENCRYPTION_KEY (base64 of 32 bytes, e.g. `openssl rand -base64 32`)');
      return 2;
    }
    const path = config.databasePath;
    const store = await openSqliteStore({ path: resolve(path) });
    try {
      return await migrateVerb(verb, store, config.encryptionKey, path, ctx.out);
    } finally {
      await store.close();
    }
  },
});

async function migrateVerb(
  verb: MigrateVerb,
  store: Store,
  encryptionKey: string | undefined,
  path: string,
  out: (line: string) => void,
): Promise<number> {
  switch (verb) {
    case 'up': {
      const before = await store.isReady();
      await store.migrate();
      out(before ? `${path}: already up to date` : `${path}: migrated`);
      return 0;
    }
    case 'status':
      for (const m of await store.migrations())
        out(`${m.appliedAt === null ? 'Pending                 ' : m.appliedAt.toISOString()}  ${m.name}`);
      return 0;
    case 'version': {
      const applied = (await store.migrations()).filter((m) => m.appliedAt !== null);
      out(`version ${applied.length}${applied.length > 0 ? ` (${applied.at(-1)?.name ?? ''})` : ''}`);
      return 0;
    }
    case 'down': {
      const undone = await store.migrateDown();
      out(undone === null ? `${path}: no migration to undo` : `${path}: undid ${undone}`);
      return 0;
    }
    case 'encrypt': {
      // Applying the migrations hashes tokens stored in clear (005); keys are encrypted with the given key.
      await store.migrate();
      const key = parseEncryptionKey(encryptionKey ?? '');
      const keys = await store.encryptPlaintextKeys((plain) => encryptSecret(plain, key));
      out(`${path}: ${keys} upstream key${keys === 1 ? '' : 's'} encrypted; tokens stored as SHA-256 hashes`);
      return 0;
    }
    case 'encrypt-status': {
      const c = await store.plaintextCounts();
      out(`upstream keys in clear: ${c.projectKeys}; tokens in clear: ${c.tokens}`);
      return c.projectKeys + c.tokens > 0 ? 1 : 0;
    }
  }
}
