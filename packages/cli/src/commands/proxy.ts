import { createLogger, defineConfig, opt } from '@llmops/core';
import { openSqliteStore, proxyConfig, startProxy } from '@llmops/proxy';
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
});

/** `llmops migrate`: applies pending database migrations (the gateway also does at start). */
export const migrateCommand = defineCommand({
  path: ['migrate'],
  summary: "Apply the gateway's pending database migrations (idempotent).",
  config: migrateConfig,
  async run(config, ctx) {
    if (config.dbDriver !== 'sqlite') {
      ctx.err(`DB_DRIVER=${config.dbDriver} is not available yet in this build; use sqlite`);
      return 2;
    }
    const store = await openSqliteStore({ path: resolve(config.databasePath) });
    try {
      const before = await store.isReady();
      await store.migrate();
      ctx.out(before ? `${config.databasePath}: already up to date` : `${config.databasePath}: migrated`);
      return 0;
    } finally {
      await store.close();
    }
  },
});
