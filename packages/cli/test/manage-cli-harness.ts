import { CommanderError } from 'commander';
import { buildProgram } from '../src/program.js';
import type { ManagementTestServer } from '../../proxy/src/manage/management-test-server.test-support.js';

/** What one `llmops …` run printed and its exit code. */
export interface Run {
  code: number;
  out: string[];
  err: string[];
}

export const UPSTREAM_KEY = 'sk-upstream-cli-0123456789abcdefWXYZ';

/**
 * Runs `llmops <args>` in process (the real commander program, output captured) with MANAGEMENT_API_BASE_URL and
 * MANAGEMENT_TOKEN pointing at the test server.
 */
export async function runLlmops(
  server: ManagementTestServer,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<Run> {
  const run: Run = { code: -1, out: [], err: [] };
  const io = {
    out: (l: string) => run.out.push(...l.split('\n')),
    err: (l: string) => run.err.push(...l.split('\n')),
    env: { MANAGEMENT_API_BASE_URL: server.url, MANAGEMENT_TOKEN: server.managementToken, ...env },
    stopSignal: new AbortController().signal,
  };
  const program = buildProgram(io, (code) => {
    run.code = code;
  });
  try {
    await program.parseAsync(['node', 'llmops', ...args]);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    run.code = err.exitCode;
  }
  return run;
}
