import { resolve } from 'node:path';
import { createLogger, defineConfig, loadConfig, opt } from '@llmops/core';
import { proxyConfig, startProxy } from '@llmops/proxy';
import { simLlmConfig, startSimLlm } from '@llmops/sim';
import { defineCommand } from '../command.js';
import { runDemoLoad } from '../demo-load.js';
import { ensureDemoToken, localSecret, newManagementToken } from '../demo-bootstrap.js';
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
  proxyPort: opt.port({
    env: 'LLMOPS_PROXY_PORT',
    default: 8080,
    description: 'Port of the gateway (0 picks a free one).',
  }),
  dataDir: opt.string({
    env: 'LLMOPS_DATA_DIR',
    default: './data',
    description: "The local stack's SQLite database, generated credentials and reports.",
  }),
  demoLoad: opt.boolean({
    env: 'LLMOPS_DEMO_LOAD',
    default: true,
    description: 'Run a short load test through the gateway after start-up and write its HTML report.',
  }),
  demoLoadDuration: opt.duration({
    env: 'LLMOPS_DEMO_LOAD_DURATION',
    default: 20_000,
    min: 1000,
    description: 'Length of that load test.',
  }),
});

/** `npm start`: the whole local stack on embedded defaults. */
export const startCommand = defineCommand({
  path: ['start'],
  summary:
    'Run the whole local stack on embedded defaults: simulated upstream and gateway (SQLite), with a demo token.',
  config: startConfig,
  async run(config, ctx) {
    const dataDir = resolve(config.dataDir);
    // The simulator still honours its own SIM_* variables (SIM_FAULTS, SIM_SEED, …); host and port come from here.
    const sim = await startSimLlm(
      loadConfig(simLlmConfig, { env: process.env, flags: { host: config.host, port: config.simPort } }),
    );
    let managementToken: string;
    let proxy: Awaited<ReturnType<typeof startProxy>>;
    try {
      managementToken =
        process.env['MANAGEMENT_TOKEN'] || localSecret(dataDir, 'management-token', newManagementToken);
      proxy = await startProxy(
        loadConfig(proxyConfig, {
          env: process.env,
          flags: {
            host: config.host,
            port: config.proxyPort,
            managementToken,
            openaiApiUrl: sim.url,
            databasePath: resolve(dataDir, 'llm-proxy.db'),
            logLevel: 'warn',
          },
        }),
        createLogger({ name: 'llmops-proxy', level: 'warn' }),
      );
    } catch (err) {
      await sim.close(); // the gateway could not start (its port taken, its database unreadable): nothing is left running
      throw err;
    }
    try {
      const demo = await ensureDemoToken(proxy.url, managementToken, dataDir);
      ctx.out(
        quickstartText({
          simUrl: sim.url,
          gatewayUrl: proxy.url,
          token: demo.token,
          model: 'llm-prod',
          managementTokenFile: resolve(dataDir, 'management-token'),
        }),
      );
      if (config.demoLoad)
        await runDemoLoad(
          { gatewayUrl: proxy.url, managementToken, dataDir, seconds: config.demoLoadDuration / 1000 },
          ctx,
        );
    } catch (err) {
      await proxy.close();
      await sim.close();
      throw err;
    }
    return [sim, proxy];
  },
});
