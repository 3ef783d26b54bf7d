import { defineConfig, loadConfig, opt } from '@llmops/core';
import { simLlmConfig, startSimLlm } from '@llmops/sim';
import { defineCommand } from '../command.js';
import { quickstartText } from '../quickstart.js';

export const startConfig = defineConfig({
  host: opt.host({
    env: 'LLMOPS_HOST',
    default: '127.0.0.1',
    description: 'Interface every local service listens on.',
  }),
  simPort: opt.port({
    env: 'LLMOPS_SIM_PORT',
    default: 8000,
    description: 'Port of the simulated upstream (0 picks a free one).',
  }),
});

/** `npm start`: the whole local stack on embedded defaults. */
export const startCommand = defineCommand({
  path: ['start'],
  summary: 'Run the whole local stack on embedded defaults (simulated upstream, no external services).',
  config: startConfig,
  async run(config, ctx) {
    // The simulator still honours its own SIM_* variables (SIM_FAULTS, SIM_SEED, …); host and port come from here.
    const simConfig = loadConfig(simLlmConfig, {
      env: process.env,
      flags: { host: config.host, port: config.simPort },
    });
    const sim = await startSimLlm(simConfig);
    ctx.out(quickstartText({ simUrl: sim.url, model: 'llm-prod' }));
    return sim;
  },
});
