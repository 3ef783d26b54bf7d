import type { CommandDef } from '../command.js';
import { manageCachePurgeCommand } from './manage-cache.js';
import {
  manageProjectCreateCommand,
  manageProjectDeleteCommand,
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

export * from './manage-cache.js';
export * from './manage-project.js';
export * from './manage-token.js';

/**
 * `llmops manage project|token|cache …`: the original llm-proxy's `manage` commands, against its management API
 * (ours or the original's). Ids are positional as in the original (`project get <project-id>`), or `--id`.
 */
export const manageCommands: readonly CommandDef[] = [
  manageProjectListCommand,
  manageProjectGetCommand,
  manageProjectCreateCommand,
  manageProjectUpdateCommand,
  manageProjectDeleteCommand,
  manageTokenGenerateCommand,
  manageTokenListCommand,
  manageTokenGetCommand,
  manageTokenRevokeCommand,
  manageCachePurgeCommand,
];
