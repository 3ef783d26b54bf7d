import type { Config, ConfigSpec } from '@llmops/core';

/** A server a command started: the CLI prints its URL and closes it on SIGINT/SIGTERM. */
export interface StartedServer {
  url: string;
  close(): Promise<void>;
}

export interface CommandContext {
  /** Where human output goes (stdout by default; tests capture it). */
  out: (line: string) => void;
  err: (line: string) => void;
  /** Fires when the process is asked to stop (SIGINT/SIGTERM). */
  signal: AbortSignal;
  /** Positional arguments, in the order the command's `args` declares them (variadic last one spread out). */
  args: readonly string[];
  /** True when human output goes to a terminal (live views redraw in place only then). */
  isTTY: boolean;
}

/** A positional argument: `<name>` when required, `[name]` when not, `name...` when it takes the rest. */
export interface ArgDef {
  name: string;
  description: string;
  required?: boolean;
  variadic?: boolean;
}

/**
 * One row of the command table: its words, its help text, its options (one config spec, from which flags, env
 * vars, file keys, --help and the README table are all generated) and what it runs.
 */
export interface CommandDef<S extends ConfigSpec = ConfigSpec> {
  /** Command words, e.g. `['sim', 'llm']`. */
  path: readonly string[];
  aliases?: readonly string[];
  summary: string;
  description?: string;
  config: S;
  args?: readonly ArgDef[];
  /** Servers resolve with what they started; the CLI keeps them running until a signal arrives. */
  run(config: Config<S>, ctx: CommandContext): Promise<StartedServer | StartedServer[] | number | void>;
}

/** Keeps the config type of each row tied to its `run` while the table holds rows of different specs. */
export function defineCommand<S extends ConfigSpec>(def: CommandDef<S>): CommandDef {
  return def as unknown as CommandDef;
}
