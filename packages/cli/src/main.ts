import { CommanderError } from 'commander';
import { buildProgram } from './program.js';

/**
 * Runs the CLI to completion and resolves with the exit code. SIGINT/SIGTERM stop a running server cleanly; a
 * second signal exits at once.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals > 1) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code = 0;
  const program = buildProgram(
    {
      out: (l) => process.stdout.write(l + '\n'),
      err: (l) => process.stderr.write(l + '\n'),
      env: process.env,
      stopSignal: stop.signal,
      isTTY: process.stderr.isTTY === true,
    },
    (c) => {
      code = c;
    },
  );
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return code;
}
