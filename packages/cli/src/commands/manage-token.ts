import { defineConfig, opt } from '@llmops/core';
import { defineCommand } from '../command.js';
import { clientFor, manageConnectionOptions, print } from '../manage/manage-options.js';
import { generatedTokenLines, tokenFields, tokenTable } from '../manage/manage-views.js';

const idOption = opt.string({
  required: true,
  minLength: 1,
  description: 'Token id (not the token itself).',
});

export const manageTokenGenerateCommand = defineCommand({
  path: ['manage', 'token', 'generate'],
  summary: 'Create a gateway token for a project (the token is shown once).',
  config: defineConfig({
    ...manageConnectionOptions,
    projectId: opt.string({ required: true, minLength: 1, description: 'Project the token belongs to.' }),
    duration: opt.int({
      default: 1440,
      min: 1,
      max: 525_600,
      description: 'Lifetime in minutes (at most one year).',
    }),
    maxRequests: opt.int({ min: 0, description: 'Requests the token may make (0 or unset: unlimited).' }),
  }),
  async run(config, ctx) {
    const token = await clientFor(config).generateToken({
      project_id: config.projectId,
      duration_minutes: config.duration,
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
  config: defineConfig({ ...manageConnectionOptions, id: idOption }),
  async run(config, ctx) {
    const token = await clientFor(config).getToken(config.id);
    print(ctx, config, token, () => tokenFields(token));
  },
});

export const manageTokenRevokeCommand = defineCommand({
  path: ['manage', 'token', 'revoke'],
  summary: 'Revoke a token (it stops working at once; revoking twice is fine).',
  config: defineConfig({ ...manageConnectionOptions, id: idOption }),
  async run(config, ctx) {
    await clientFor(config).revokeToken(config.id);
    print(ctx, config, { id: config.id, revoked: true }, () => [`Token ${config.id} revoked.`]);
  },
});
