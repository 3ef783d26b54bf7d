import { Command, Option } from 'commander';
import { ConfigError, loadConfig, specOptions, type ConfigSpec } from '@llmops/core';
import type { CommandContext, CommandDef, StartedServer } from './command.js';
import { COMMANDS } from './commands/index.js';
import { VERSION } from './version.js';

export interface RunIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the process should stop (signals); tests pass their own. */
  stopSignal: AbortSignal;
  /** Whether `out` is a terminal; default false. */
  isTTY?: boolean;
}

/** Builds the commander program from the command table; `run` settles with the exit code. */
export function buildProgram(io: RunIo, done: (code: number) => void): Command {
  const program = new Command('llmops')
    .description('Run, protect, measure and watch OpenAI-compatible LLM endpoints.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
    })
    .exitOverride();
  for (const def of COMMANDS) attach(program, def, io, done);
  return program;
}

/** What each group of commands is for, in `llmops --help` and `llmops <group> --help`. */
const GROUPS: Readonly<Record<string, string>> = {
  sim: 'Simulated upstreams: `sim llm` is an OpenAI-compatible server that behaves like vLLM.',
  manage: "Manage a gateway's projects, tokens and cache through its management API (MANAGEMENT_TOKEN).",
  'manage project':
    'Projects: each holds an upstream API key (encrypted at rest) and may name its own upstream.',
  'manage token': 'Gateway tokens (sk-…) of a project: generate, list, show, revoke.',
  'manage cache': "A gateway's response cache.",
  loadtest: 'Load tests: the AIM_* loadgen, LoadTestScenario runs, merging workers, validating scenarios.',
};

function attach(program: Command, def: CommandDef, io: RunIo, done: (code: number) => void): void {
  let parent = program;
  def.path.slice(0, -1).forEach((word, i) => {
    const group = def.path.slice(0, i + 1).join(' ');
    parent =
      parent.commands.find((c) => c.name() === word) ??
      parent.command(word).description(GROUPS[group] ?? `${group} commands`);
  });
  const cmd = parent
    .command(def.path[def.path.length - 1] as string)
    .summary(def.summary)
    .description(def.description ?? def.summary);
  for (const alias of def.aliases ?? []) cmd.alias(alias);
  for (const a of def.args ?? []) {
    const inner = `${a.name}${a.variadic ? '...' : ''}`;
    cmd.argument(a.required ? `<${inner}>` : `[${inner}]`, a.description);
  }
  addOptions(cmd, def.config);
  cmd.option('-c, --config <file>', 'YAML or JSON file with option values (keys as in the config table)');
  cmd.action(async (...received: unknown[]) => {
    const positional = received.slice(0, def.args?.length ?? 0);
    const opts = received[def.args?.length ?? 0] as Record<string, unknown>;
    const args = positional.flatMap((v) =>
      Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)],
    );
    done(await runCommand(def, opts, io, args));
  });
}

function addOptions(cmd: Command, spec: ConfigSpec): void {
  for (const o of specOptions(spec)) {
    if (o.flagSyntax === undefined || o.flag === undefined) continue;
    const env = o.env ? ` [env ${o.env}]` : '';
    const dflt = o.defaultText !== undefined ? ` (default: ${o.defaultText})` : '';
    cmd.addOption(new Option(o.flagSyntax, `${o.description}${dflt}${env}`));
    // Both forms, and no commander default, so an unset flag leaves the env/file value in charge.
    if (o.booleanFlag) cmd.addOption(new Option(`--no-${o.flag.slice(2)}`, `Turn off ${o.flag}.`).hideHelp());
  }
}

async function runCommand(
  def: CommandDef,
  opts: Record<string, unknown>,
  io: RunIo,
  args: readonly string[],
): Promise<number> {
  const { config: file, ...flags } = opts;
  let config;
  try {
    config = loadConfig(def.config, { env: io.env, flags, ...(typeof file === 'string' ? { file } : {}) });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`llmops ${def.path.join(' ')}: invalid configuration\n${err.message}`);
      return 2;
    }
    throw err;
  }
  const ctx: CommandContext = {
    out: io.out,
    err: io.err,
    signal: io.stopSignal,
    args,
    isTTY: io.isTTY ?? false,
  };
  let result;
  try {
    result = await def.run(config, ctx);
  } catch (err) {
    io.err(`llmops ${def.path.join(' ')}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  if (typeof result === 'number') return result;
  if (!result) return 0;
  const servers: StartedServer[] = Array.isArray(result) ? result : [result];
  for (const s of servers) io.out(`llmops ${def.path.join(' ')} listening on ${s.url}`);
  await waitForStop(io.stopSignal);
  // Close in reverse start order: front services stop taking traffic before what they depend on.
  for (const s of [...servers].reverse()) await s.close();
  return 0;
}

function waitForStop(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
