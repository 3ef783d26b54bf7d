import { readFile, writeFile } from 'node:fs/promises';
import { defineConfig, opt } from '@llmops/core';
import { defineCommand } from '../command.js';
import { applySections, renderReadmeSections } from '../docs/readme-sections.js';

export const docsConfig = defineConfig({
  write: opt.string({
    flag: '--write',
    description: 'Update the generated sections of this README file in place.',
  }),
  check: opt.string({
    flag: '--check',
    description: 'Exit 1 if the generated sections of this README file are out of date.',
  }),
});

/** Generates the README's command list and config tables from the command table, so they cannot drift. */
export const docsCommand = defineCommand({
  path: ['docs'],
  summary: "Print (or --write / --check) the README's generated command list and config tables.",
  config: docsConfig,
  async run(config, ctx) {
    // Imported lazily: the command table imports this module, so a static import would be circular.
    const { COMMANDS } = await import('./index.js');
    const sections = renderReadmeSections(COMMANDS);
    const path = config.write ?? config.check;
    if (path === undefined) {
      for (const body of Object.values(sections)) ctx.out(body + '\n');
      return 0;
    }
    const current = await readFile(path, 'utf8');
    const next = applySections(current, sections);
    if (config.write !== undefined) {
      if (next !== current) await writeFile(path, next);
      return 0;
    }
    if (next !== current) {
      ctx.err(`${path} is out of date: run \`npm run docs\``);
      return 1;
    }
    return 0;
  },
});
