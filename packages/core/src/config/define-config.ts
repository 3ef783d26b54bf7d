/** `defineConfig`: checks a spec once, where it is written, so mistakes in declarations fail fast and loudly. */
import { ENV_NAME, flagOf, isValidFlag, OPTION_NAME } from './names.js';
import { ConfigOption } from './option.js';
import type { ConfigSpec } from './option.js';

const checked = new WeakSet<ConfigSpec>();

/** Remembers which option first claimed an env var or flag, and reports the second claimant. */
function claim(owners: Map<string, string>, what: string, name: string, problems: string[]): void {
  const owner = owners.get(what);
  if (owner === undefined) owners.set(what, name);
  else problems.push(`${what} is used by both "${owner}" and "${name}"`);
}

function specProblems(spec: ConfigSpec): string[] {
  const problems: string[] = [];
  const envOwners = new Map<string, string>();
  const flagOwners = new Map<string, string>();
  const names = Object.keys(spec);
  for (const [name, option] of Object.entries(spec)) {
    if (!OPTION_NAME.test(name))
      problems.push(`"${name}" is not a camelCase option name (dots allowed for nesting)`);
    if (!(option instanceof ConfigOption)) {
      problems.push(`"${name}" is not declared with opt.*`);
      continue;
    }
    const { env, description } = option.settings;
    if (description.trim() === '') problems.push(`"${name}" has no description`);
    if (env !== undefined) {
      if (!ENV_NAME.test(env)) problems.push(`"${name}" has an invalid env var name "${env}"`);
      claim(envOwners, env, name, problems);
    }
    const flag = flagOf(name, option);
    if (flag !== undefined) {
      if (!isValidFlag(flag)) problems.push(`"${name}" has an invalid flag "${flag}" (use --kebab-case)`);
      claim(flagOwners, flag, name, problems);
    }
    // In a nested file `faults: {rate429: 1}` could mean either option, so a name cannot also be a group.
    const nested = names.find((other) => other.startsWith(`${name}.`));
    if (nested !== undefined) problems.push(`"${name}" is both an option and the group of "${nested}"`);
  }
  return problems;
}

/** Throws a TypeError listing every mistake in the declarations; a no-op for a spec already checked. */
export function assertValidSpec(spec: ConfigSpec): void {
  if (checked.has(spec)) return;
  const problems = specProblems(spec);
  if (problems.length > 0) throw new TypeError(`Invalid config spec:\n  ${problems.join('\n  ')}`);
  checked.add(spec);
}

/**
 * Declares a command's options. Returns the spec itself (frozen), typed exactly, so `loadConfig(spec)` can infer
 * the shape of the loaded config.
 */
export function defineConfig<S extends ConfigSpec>(spec: S): S {
  assertValidSpec(spec);
  return Object.freeze(spec);
}
