import { defineConfig, opt } from '@llmops/core';
import { defineCommand } from '../command.js';
import type { UpdateProjectInput } from '../manage/manage-client.js';
import { clientFor, manageConnectionOptions, print } from '../manage/manage-options.js';
import { projectFields, projectTable } from '../manage/manage-views.js';

const idOption = opt.string({ required: true, minLength: 1, description: 'Project id.' });
const upstreamUrlOption = opt.url({
  description: "The project's upstream base URL (llmops extension; default: the gateway's global upstream).",
});

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
  config: defineConfig({ ...manageConnectionOptions, id: idOption }),
  async run(config, ctx) {
    const project = await clientFor(config).getProject(config.id);
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
    upstreamUrl: upstreamUrlOption,
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
  config: defineConfig({
    ...manageConnectionOptions,
    id: idOption,
    name: opt.string({ minLength: 1, description: 'New project name.' }),
    openaiKey: opt.secret({ minLength: 1, description: 'New upstream API key.' }),
    upstreamUrl: upstreamUrlOption,
    active: opt.boolean({ description: 'Activate (--active) or deactivate (--no-active) the project.' }),
  }),
  async run(config, ctx) {
    const input: UpdateProjectInput = {};
    if (config.name !== undefined) input.name = config.name;
    if (config.openaiKey !== undefined) input.api_key = config.openaiKey;
    if (config.upstreamUrl !== undefined) input.upstream_url = config.upstreamUrl;
    if (config.active !== undefined) input.is_active = config.active;
    if (Object.keys(input).length === 0) {
      throw new Error('nothing to update: give --name, --openai-key, --upstream-url or --active/--no-active');
    }
    const project = await clientFor(config).updateProject(config.id, input);
    print(ctx, config, project, () => projectFields(project));
  },
});
