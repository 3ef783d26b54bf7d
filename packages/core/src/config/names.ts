/** How option names map to command-line flags and to the keys commander uses for them. */
import type { AnyOption } from './option.js';

/** camelCase segments, optionally dotted for nesting in config files: `port`, `maxNumSeqs`, `faults.rate429`. */
export const OPTION_NAME = /^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/;

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const FLAG = /^--[a-z0-9][a-z0-9-]*$/;

/** `maxNumSeqs` → `max-num-seqs`, `apiURL` → `api-url`, `faults.rate429` → `faults-rate429`. */
export function kebabCase(name: string): string {
  return name
    .replace(/\./g, '-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** The option's long flag (`--max-num-seqs`), or undefined when it is hidden with `flag: false`. */
export function flagOf(name: string, option: AnyOption): string | undefined {
  const { flag } = option.settings;
  if (flag === false) return undefined;
  if (flag === undefined) return `--${kebabCase(name)}`;
  return flag.startsWith('--') ? flag : `--${flag}`;
}

export function isValidFlag(flag: string): boolean {
  return FLAG.test(flag);
}

/** The property commander stores a flag's value under: `--max-num-seqs` → `maxNumSeqs`. */
export function flagKeyOf(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
