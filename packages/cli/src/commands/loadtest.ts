import { loadgenConfig, runLoadgen, summaryLines } from '@llmops/loadtest';
import { defineCommand } from '../command.js';

/** `llmops loadtest loadgen`: the Reachy add-ons CronJob's load generator (seed 000), open loop. */
export const loadgenCommand = defineCommand({
  path: ['loadtest', 'loadgen'],
  summary:
    'Send chat requests at CONCURRENCY × QPS_PER_WORKER per second (AIM_* env contract) and report latency and errors.',
  description:
    'The Reachy + AIM demo load generator, compatible with its CronJob environment. Requests start on schedule ' +
    'whether or not earlier ones finished (open loop); latency counts from the scheduled instant. Prints the ' +
    "original's one-line summary plus rates and errors by type; exits 2 when nothing succeeded, 1 above MAX_ERROR_RATE.",
  config: loadgenConfig,
  async run(config, ctx) {
    const result = await runLoadgen(config, ctx.out);
    for (const line of summaryLines(result)) (result.exitCode === 0 ? ctx.out : ctx.err)(line);
    if (config.json) ctx.out(JSON.stringify(result));
    return result.exitCode;
  },
});
