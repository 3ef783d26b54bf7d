/**
 * The project's logger: pino, configured so that secrets never reach the output. Redaction happens on the
 * serialized line (see redact-line.ts): values of secret keys (auth headers, apiKey, token…) are censored at any
 * depth, and secret-looking text (Bearer tokens, sk-… keys) is scrubbed from messages, fields and error stacks.
 */
import pino from 'pino';
import type { DestinationStream, LogFn, Logger } from 'pino';
import { PrettyStream } from './pretty-stream.js';
import { redactInterpolationArgs, redactLogLine } from './redact-line.js';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** pino level name; defaults to the LOG_LEVEL environment variable, else 'info'. */
  level?: string;
  /** Added to every line as `name`. */
  name?: string;
  /** Where JSON lines go (tests capture here). Defaults to stderr, keeping stdout free for command output. */
  destination?: DestinationStream;
  /** Human-readable lines instead of JSON, for interactive use. */
  pretty?: boolean;
}

export function createLogger(opts: CreateLoggerOptions = {}): Logger {
  const { level, envProblem } = resolveLevel(opts.level);
  // Synchronous writes: a crashing process still gets its last lines out, and lines interleave with console output.
  const target = opts.destination ?? pino.destination({ dest: 2, sync: true });
  const color = opts.destination === undefined ? process.stderr.isTTY : false;
  const stream = opts.pretty === true ? new PrettyStream(target, color) : target;
  const logger = pino(
    {
      level,
      ...(opts.name !== undefined && { name: opts.name }),
      hooks: {
        logMethod(args, method) {
          method.apply(this, redactInterpolationArgs(args) as Parameters<LogFn>);
        },
        streamWrite: redactLogLine,
      },
    },
    stream,
  );
  if (envProblem !== undefined) logger.warn(envProblem);
  return logger;
}

function isLevel(name: string): boolean {
  return name === 'silent' || Object.hasOwn(pino.levels.values, name);
}

/**
 * An explicit bad level is a programming error and throws; a bad LOG_LEVEL is an operator typo, which should not
 * stop the process: it falls back to 'info' and says so.
 */
function resolveLevel(explicit: string | undefined): { level: string; envProblem?: string } {
  if (explicit !== undefined) {
    if (!isLevel(explicit)) throw new RangeError(`createLogger: unknown log level "${explicit}"`);
    return { level: explicit };
  }
  const env = process.env.LOG_LEVEL?.trim().toLowerCase();
  if (env === undefined || env === '') return { level: 'info' };
  if (isLevel(env)) return { level: env };
  return { level: 'info', envProblem: `LOG_LEVEL "${env}" is not a log level; using "info"` };
}
