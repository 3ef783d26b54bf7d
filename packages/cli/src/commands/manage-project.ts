import { defineConfig, opt } from '@llmops/core';
import { defineCommand } from '../command.js';
import type { UpdateProjectInput } from '../manage/manage-client.js';
import { clearableUrl, idArgument, idFrom } from '../manage/manage-ids.js';
import { clientFor, manageConnectionOptions, print } from '../manage/manage-options.js';
import { projectFields, projectTable } from '../manage/manage-views.js';

const idOption = opt.string({ minLength: 1, description: 'Project id (same as the first argument).' });
const idArgs = [idArgument('project-id', 'Project id')];
const UPSTREAM_DESCRIPTION =
  "The project's upstream base URL (llmops extension; default: the gateway's global upstream).";

export const manageProjectListCommand = defineCommand({
  path: ['manage', 'project', 'list'],
  summary: 'List the projects of a gateway (keys obfuscated).',
  config: defineConfig({ ...manageConnectionOptions }),
  async run(config, ctx) {
    const projects = await clientFor(config).listProjects();
    print(ctx, config, projects, () => projectTable(projects));
  },
});

export const manageProjectGetCommand = defineCommand({
  path: ['manage', 'project', 'get'],
  summary: 'Show one project.',
  args: idArgs,
  config: defineConfig({ ...manageConnectionOptions, id: idOption }),
  async run(config, ctx) {
    const project = await clientFor(config).getProject(idFrom(config.id, ctx, 'project'));
    print(ctx, config, project, () => projectFields(project));
  },
});

export const manageProjectCreateCommand = defineCommand({
  path: ['manage', 'project', 'create'],
  summary: 'Create a project with its upstream API key.',
  config: defineConfig({
    ...manageConnectionOptions,
    name: opt.string({ required: true, minLength: 1, description: 'Project name (unique).' }),
    openaiKey: opt.secret({
      required: true,
      minLength: 1,
      description:
        'Upstream API key the gateway sends for this project (stored encrypted when ENCRYPTION_KEY is set).',
    }),
    upstreamUrl: opt.url({ description: UPSTREAM_DESCRIPTION }),
  }),
  async run(config, ctx) {
    const project = await clientFor(config).createProject({
      name: config.name,
      api_key: config.openaiKey,
      ...(config.upstreamUrl !== undefined ? { upstream_url: config.upstreamUrl } : {}),
    });
    print(ctx, config, project, () => projectFields(project));
  },
});

export const manageProjectUpdateCommand = defineCommand({
  path: ['manage', 'project', 'update'],
  summary: "Change a project's name, key, upstream or active state.",
  args: idArgs,
  config: defineConfig({
    ...manageConnectionOptions,
    id: idOption,
    name: opt.string({ minLength: 1, description: 'New project name.' }),
    openaiKey: opt.secret({ minLength: 1, description: 'New upstream API key.' }),
    upstreamUrl: opt.custom(clearableUrl, { description: UPSTREAM_DESCRIPTION }),
    active: opt.boolean({ description: 'Activate (--active) or deactivate (--no-active) the project.' }),
  }),
  async run(config, ctx) {
    const id = idFrom(config.id, ctx, 'project');
    const input: UpdateProjectInput = {};
    if (config.name !== undefined) input.name = config.name;
    if (config.openaiKey !== undefined) input.api_key = config.openaiKey;
    if (config.upstreamUrl !== undefined)
      input.upstream_url = config.upstreamUrl === '' ? null : config.upstreamUrl;
    if (config.active !== undefined) input.is_active = config.active;
    if (Object.keys(input).length === 0) {
      throw new Error('nothing to update: give --name, --openai-key, --upstream-url or --active/--no-active');
    }
    const project = await clientFor(config).updateProject(id, input);
    print(ctx, config, project, () => projectFields(project));
  },
});

export const manageProjectDeleteCommand = defineCommand({
  path: ['manage', 'project', 'delete'],
  summary: 'Delete a project: refused by the server (405), as in the original; deactivate it instead.',
  description:
    'Calls DELETE /manage/projects/<id>. The gateway, like the original llm-proxy, never deletes a project (its ' +
    'tokens and audit history would go with it) and answers 405; use `manage project update <id> --no-active`.',
  args: idArgs,
  config: defineConfig({ ...manageConnectionOptions, id: idOption }),
  async run(config, ctx) {
    const id = idFrom(config.id, ctx, 'project');
    await clientFor(config).deleteProject(id);
    print(ctx, config, { id, deleted: true }, () => [`Project ${id} deleted.`]);
  },
});
