import { defineConfig, opt } from '@llmops/core';
import { defineCommand } from '../command.js';
import { clientFor, manageConnectionOptions, print } from '../manage/manage-options.js';

/**
 * `llmops manage cache purge`, the original's command and output. It calls POST /manage/cache/purge; the llmops
 * gateway has no response cache and answers `caching is disabled` (400), as the original does with its cache off.
 */
export const manageCachePurgeCommand = defineCommand({
  path: ['manage', 'cache', 'purge'],
  summary: 'Purge response-cache entries of an llm-proxy (the llmops gateway has no cache and says so).',
  description:
    'Purges by exact key (method + URL) or, with --prefix, every key with that prefix. Works against the ' +
    'original llm-proxy; the llmops gateway has no response cache and answers "caching is disabled".',
  config: defineConfig({
    ...manageConnectionOptions,
    apiBaseUrl: opt.url({
      description:
        "Same as --manage-api-base-url (the original's flag name for this command); wins when both are set.",
    }),
    method: opt.string({ required: true, minLength: 1, description: 'HTTP method of the cached request.' }),
    url: opt.string({ required: true, minLength: 1, description: 'URL (path) of the cached request.' }),
    prefix: opt.string({
      minLength: 1,
      description: 'Purge every cache key starting with this prefix instead.',
    }),
  }),
  async run(config, ctx) {
    const client = clientFor({ ...config, manageApiBaseUrl: config.apiBaseUrl ?? config.manageApiBaseUrl });
    const answer = await client.purgeCache({
      method: config.method,
      url: config.url,
      ...(config.prefix !== undefined ? { prefix: config.prefix } : {}),
    });
    print(ctx, config, answer, () => [purgeLine(answer.deleted, config.prefix !== undefined)]);
  },
});

/** The original CLI's wording. */
function purgeLine(deleted: boolean | number, byPrefix: boolean): string {
  if (byPrefix) return `Cache prefix purge completed: ${String(deleted)} entries deleted`;
  const found = typeof deleted === 'number' ? deleted > 0 : deleted;
  return found ? 'Cache entry deleted successfully' : 'Cache entry was not found';
}
