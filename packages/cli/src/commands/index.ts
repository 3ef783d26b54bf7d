import type { CommandDef } from '../command.js';
import { docsCommand } from './docs.js';
import { loadgenCommand } from './loadtest.js';
import { loadtestMergeCommand, loadtestRunCommand, loadtestValidateCommand } from './loadtest-run.js';
import { manageCommands } from './manage.js';
import { migrateCommand, proxyCommand } from './proxy.js';
import { simLlmCommand } from './sim-llm.js';
import { startCommand } from './start.js';

/** Every `llmops` command, in the order `--help` lists them. */
export const COMMANDS: readonly CommandDef[] = [
  startCommand,
  simLlmCommand,
  proxyCommand,
  migrateCommand,
  ...manageCommands,
  loadgenCommand,
  loadtestRunCommand,
  loadtestMergeCommand,
  loadtestValidateCommand,
  docsCommand,
];
