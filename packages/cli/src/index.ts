export { main } from './main.js';
export { buildProgram, type RunIo } from './program.js';
export { COMMANDS } from './commands/index.js';
export { defineCommand, type CommandDef, type CommandContext, type StartedServer } from './command.js';
export { renderReadmeSections } from './docs/readme-sections.js';
