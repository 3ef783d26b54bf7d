import type { CommandDef } from '../command.js';
import {
  manageProjectCreateCommand,
  manageProjectGetCommand,
  manageProjectListCommand,
  manageProjectUpdateCommand,
} from './manage-project.js';
import {
  manageTokenGenerateCommand,
  manageTokenGetCommand,
  manageTokenListCommand,
  manageTokenRevokeCommand,
} from './manage-token.js';

export * from './manage-project.js';
export * from './manage-token.js';

/**
 * `llmops manage project|token …`: the original llm-proxy's `manage` commands, against its management API (ours or
 * the original's). Ids are `--id` options, as the command table has no positional arguments.
 */
export const manageCommands: readonly CommandDef[] = [
  manageProjectListCommand,
  manageProjectGetCommand,
  manageProjectCreateCommand,
  manageProjectUpdateCommand,
  manageTokenGenerateCommand,
  manageTokenListCommand,
  manageTokenGetCommand,
  manageTokenRevokeCommand,
];
