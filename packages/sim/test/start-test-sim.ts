import { loadConfig } from '@llmops/core';
import { simLlmConfig, startSimLlm, type RunningSimLlm } from '@llmops/sim';

/** Starts the simulator in-process on a free loopback port with the given option values (as flags). */
export function startTestSim(flags: Record<string, unknown> = {}): Promise<RunningSimLlm> {
  const config = loadConfig(simLlmConfig, { env: {}, flags: { host: '127.0.0.1', port: 0, ...flags } });
  return startSimLlm(config);
}
