import { readFile } from 'node:fs/promises';
import type { Config } from '@llmops/core';
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_PROFILES,
  ModelProfilesFileSchema,
  parseProfiles,
  type ModelProfile,
} from './model-profile.js';
import { buildSimLlmApp, type ErrorLog } from './sim-server.js';
import type { simLlmConfig } from './sim-llm-config.js';
import type { SimLlmSettings } from './sim-state.js';
import type { SimState } from './sim-state.js';

export type SimLlmConfig = Config<typeof simLlmConfig>;

export interface RunningServer {
  /** Base URL clients use, e.g. `http://127.0.0.1:8000`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface RunningSimLlm extends RunningServer {
  state: SimState;
}

/** Reads a model profile file, naming the file and the bad field when it is invalid. */
export async function loadProfiles(path: string | undefined): Promise<ModelProfile[]> {
  if (!path) return parseProfiles(DEFAULT_PROFILES);
  const text = await readFile(path, 'utf8');
  const parsed = ModelProfilesFileSchema.safeParse(parseYaml(text));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid model profile file\n${issues.join('\n')}`);
  }
  return parsed.data.models;
}

export function settingsFrom(config: SimLlmConfig, profiles: ModelProfile[]): SimLlmSettings {
  return {
    profiles,
    seed: config.seed,
    apiKey: config.apiKey,
    zeroDelay: config.zeroDelay,
    timeScale: config.timeScale,
    faultRates: config.faults,
    faultDefaults: {
      afterTokens: config.faultAfterTokens,
      delayMs: config.faultDelay,
      retryAfterS: config.faultRetryAfter,
    },
    honorMaxTokens: config.honorMaxTokens,
    prefixCaching: config.prefixCaching,
    timelineCapacity: config.timelineCapacity,
    bodyLimitBytes: config.bodyLimit,
  };
}

/** Starts `llmops sim llm` and resolves once it listens. */
export async function startSimLlm(config: SimLlmConfig, log?: ErrorLog): Promise<RunningSimLlm> {
  const profiles = await loadProfiles(config.modelsFile);
  const { app, state } = buildSimLlmApp(settingsFrom(config, profiles), log);
  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    state,
    close: () => app.close(),
  };
}
