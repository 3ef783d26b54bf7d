import { opt } from '@llmops/core';
import type { CommandContext } from '../command.js';
import { ManagementClient } from './manage-client.js';

/** Options every `llmops manage` command takes: where the management API is, its token, and the output form. */
export const manageConnectionOptions = {
  manageApiBaseUrl: opt.url({
    env: 'MANAGEMENT_API_BASE_URL',
    default: 'http://localhost:8080',
    description: 'Base URL of the gateway serving /manage (the original llm-proxy works too).',
  }),
  managementToken: opt.secret({
    env: 'MANAGEMENT_TOKEN',
    required: true,
    description: "The gateway's MANAGEMENT_TOKEN, sent as a bearer; never printed.",
  }),
  json: opt.boolean({ default: false, description: 'Print the JSON answer instead of a text table.' }),
};

export interface ManageConnection {
  readonly manageApiBaseUrl: string;
  readonly managementToken: string;
  readonly json: boolean;
}

export function clientFor(config: ManageConnection): ManagementClient {
  return new ManagementClient({ baseUrl: config.manageApiBaseUrl, managementToken: config.managementToken });
}

/** `--json` prints the answer as JSON (indented, like the original CLI), else the text lines. */
export function print(
  ctx: CommandContext,
  config: ManageConnection,
  value: unknown,
  lines: () => string[],
): void {
  if (config.json) {
    ctx.out(JSON.stringify(value, null, 2));
    return;
  }
  for (const line of lines()) ctx.out(line);
}
