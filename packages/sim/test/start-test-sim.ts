import OpenAI from 'openai';
import { loadConfig } from '@llmops/core';
import { simLlmConfig, startSimLlm, type RunningSimLlm } from '@llmops/sim';

/** Starts the simulator in-process on a free loopback port with the given option values (as flags). */
export function startTestSim(flags: Record<string, unknown> = {}): Promise<RunningSimLlm> {
  const config = loadConfig(simLlmConfig, { env: {}, flags: { host: '127.0.0.1', port: 0, ...flags } });
  return startSimLlm(config);
}

/** The official client against a test simulator: no retries (a fault must surface as it is), a 10 s timeout. */
export function openaiClientFor(sim: RunningSimLlm): OpenAI {
  return new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 10_000 });
}
