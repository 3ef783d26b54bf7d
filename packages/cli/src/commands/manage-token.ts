import { defineConfig, opt } from '@llmops/core';
import { defineCommand } from '../command.js';
import { idArgument, idFrom } from '../manage/manage-ids.js';
import { clientFor, manageConnectionOptions, print } from '../manage/manage-options.js';
import { generatedTokenLines, tokenFields, tokenTable } from '../manage/manage-views.js';

const idOption = opt.string({
  minLength: 1,
  description: 'Token id, not the token itself (same as the first argument).',
});
const idArgs = [idArgument('token-id', 'Token id, not the token itself')];
/** The original's default lifetime, also used for `--duration 0` or less, as the original does. */
const DEFAULT_DURATION_MINUTES = 1440;

export const manageTokenGenerateCommand = defineCommand({
  path: ['manage', 'token', 'generate'],
  summary: 'Create a gateway token for a project (the token is shown once).',
  config: defineConfig({
    ...manageConnectionOptions,
    projectId: opt.string({ required: true, minLength: 1, description: 'Project the token belongs to.' }),
    duration: opt.int({
      default: DEFAULT_DURATION_MINUTES,
      max: 525_600,
      description: 'Lifetime in minutes (at most one year; 0 or less means 1440, as in the original).',
    }),
    maxRequests: opt.int({ min: 0, description: 'Requests the token may make (0 or unset: unlimited).' }),
  }),
  async run(config, ctx) {
    const token = await clientFor(config).generateToken({
      project_id: config.projectId,
      duration_minutes: config.duration > 0 ? config.duration : DEFAULT_DURATION_MINUTES,
      ...(config.maxRequests !== undefined ? { max_requests: config.maxRequests } : {}),
    });
    print(ctx, config, token, () => generatedTokenLines(token));
  },
});

export const manageTokenListCommand = defineCommand({
  path: ['manage', 'token', 'list'],
  summary: 'List tokens (obfuscated), newest first.',
  config: defineConfig({
    ...manageConnectionOptions,
    projectId: opt.string({ minLength: 1, description: "Only this project's tokens." }),
  }),
  async run(config, ctx) {
    const tokens = await clientFor(config).listTokens(config.projectId);
    print(ctx, config, tokens, () => tokenTable(tokens));
  },
});

export const manageTokenGetCommand = defineCommand({
  path: ['manage', 'token', 'get'],
  summary: 'Show one token (obfuscated) with its usage.',
  args: idArgs,
  config: defineConfig({ ...manageConnectionOptions, id: idOption }),
  async run(config, ctx) {
    const token = await clientFor(config).getToken(idFrom(config.id, ctx, 'token'));
    print(ctx, config, token, () => tokenFields(token));
  },
});

export const manageTokenRevokeCommand = defineCommand({
  path: ['manage', 'token', 'revoke'],
  summary: 'Revoke a token (it stops working at once; revoking twice is fine).',
  args: idArgs,
  config: defineConfig({ ...manageConnectionOptions, id: idOption }),
  async run(config, ctx) {
    const id = idFrom(config.id, ctx, 'token');
    await clientFor(config).revokeToken(id);
    print(ctx, config, { id, revoked: true }, () => [`Token ${id} revoked.`]);
  },
});
