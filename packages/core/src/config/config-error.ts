/** `ConfigError`: every problem found while loading a config, reported together so all can be fixed in one go. */

export type ConfigSource = 'flag' | 'env' | 'file' | 'default';

export interface ConfigIssue {
  /** Option name (`port`), the unknown key as written, or `''` for a problem with the config file as a whole. */
  readonly key: string;
  readonly source: ConfigSource;
  /** Where exactly: `--port`, `SIM_PORT`, `sim.yaml: port`, `sim.yaml`. */
  readonly sourceName: string;
  /** What is wrong, e.g. `"eighty" is not a whole number`. Never contains a secret. */
  readonly problem: string;
  /** The accepted form, e.g. `an integer from 0 to 65535`. */
  readonly expected: string;
}

/** One line: `SIM_PORT (port): "eighty" is not a whole number; expected an integer from 0 to 65535`. */
export function formatIssue({ key, source, sourceName, problem, expected }: ConfigIssue): string {
  return `${where(key, source, sourceName)}: ${problem}; expected ${expected}`;
}

/** The key is added only where the source name does not already show it (`--port`, `sim.yaml: port`). */
function where(key: string, source: ConfigSource, sourceName: string): string {
  if (source === 'default') return key;
  return key === '' || sourceName.includes(key) ? sourceName : `${sourceName} (${key})`;
}

export class ConfigError extends Error {
  readonly code = 'config_invalid';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      `Invalid configuration (${count}):\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.issues = Object.freeze([...issues]);
  }
}
