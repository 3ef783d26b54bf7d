import { configTableMarkdown } from '@llmops/core';
import type { CommandDef } from '../command.js';

export const BEGIN = (name: string): string => `<!-- generated:${name} (llmops docs --write README.md) -->`;
export const END = (name: string): string => `<!-- /generated:${name} -->`;

/** The README parts generated from the command table: the command list and each command's config table. */
export function renderReadmeSections(commands: readonly CommandDef[]): Record<string, string> {
  const rows = commands.map((c) => {
    const alias = c.aliases?.length ? ` (alias: ${c.aliases.map((a) => `\`${a}\``).join(', ')})` : '';
    return `| \`llmops ${c.path.join(' ')}\`${alias} | ${c.summary} |`;
  });
  const config = commands
    .map((c) => `#### \`llmops ${c.path.join(' ')}\`\n\n${configTableMarkdown(c.config)}`)
    .join('\n\n');
  return {
    commands: ['| command | what it does |', '|---|---|', ...rows].join('\n'),
    config:
      'Every option can be given as a flag, an environment variable, or a key in a YAML/JSON file passed with ' +
      '`--config`; flags win over the environment, which wins over the file. A bad value stops the command with ' +
      'one message per bad key.\n\n' +
      config,
  };
}

/** Replaces each generated section of `readme` between its markers; throws if a marker pair is missing. */
export function applySections(readme: string, sections: Record<string, string>): string {
  let out = readme;
  for (const [name, body] of Object.entries(sections)) {
    const b = out.indexOf(BEGIN(name));
    const e = out.indexOf(END(name));
    if (b < 0 || e < b) throw new Error(`README is missing the markers of the generated section "${name}"`);
    out = `${out.slice(0, b)}${BEGIN(name)}\n${body}\n${out.slice(e)}`;
  }
  return out;
}
