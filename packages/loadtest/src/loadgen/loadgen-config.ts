import { defineConfig, opt } from '@llmops/core';
import { httpClientOption } from '../http-client-option.js';

/**
 * `llmops loadtest loadgen`: the Reachy demo's load generator contract (`AIM_*` and the CronJob's env), so the
 * add-ons chart can run this image unchanged. Unlike the original, the rate CONCURRENCY × QPS_PER_WORKER is really
 * sent (open loop) and percentiles come from histograms.
 */
export const loadgenConfig = defineConfig({
  baseUrl: opt.url({
    env: 'AIM_BASE_URL',
    default: 'http://aim.default.svc.cluster.local:8000',
    description: 'Base URL of the AIM / OpenAI-compatible endpoint.',
  }),
  chatPath: opt.string({
    env: 'AIM_CHAT_PATH',
    default: '/v1/chat/completions',
    pattern: /^\//,
    patternHint: 'a path starting with /',
    description: 'Chat completions path.',
  }),
  model: opt.string({
    env: 'AIM_MODEL',
    default: 'llm-prod',
    description: 'Model name sent in every request.',
  }),
  apiKey: opt.secret({ env: 'AIM_API_KEY', description: 'Sent as `Authorization: Bearer <key>` when set.' }),
  timeoutSeconds: opt.number({
    env: 'TIMEOUT_SECONDS',
    default: 30,
    min: 0.001,
    description: 'Per-request timeout (first byte, idle gap and total).',
  }),
  httpClient: httpClientOption,
  concurrency: opt.int({
    env: 'CONCURRENCY',
    default: 8,
    min: 1,
    max: 100_000,
    description: 'Workers; the target rate is CONCURRENCY × QPS_PER_WORKER.',
  }),
  durationSeconds: opt.number({
    env: 'DURATION_SECONDS',
    default: 60,
    min: 0.1,
    description: 'How long requests are started.',
  }),
  qpsPerWorker: opt.number({
    env: 'QPS_PER_WORKER',
    default: 1,
    min: 0.001,
    description: 'Requests per second per worker.',
  }),
  promptsFile: opt.string({
    env: 'PROMPTS_FILE',
    description:
      "JSON array of prompt strings (the chart mounts /prompts/prompts.json); default: the demo's three prompts.",
  }),
  maxTokens: opt.int({
    env: 'MAX_TOKENS',
    default: 140,
    min: 1,
    description: 'max_tokens of every request.',
  }),
  temperature: opt.number({
    env: 'TEMPERATURE',
    default: 0.2,
    min: 0,
    max: 2,
    description: 'temperature of every request.',
  }),
  stream: opt.boolean({
    env: 'STREAM',
    default: false,
    description: 'Stream answers (adds TTFT to the report).',
  }),
  maxErrorRate: opt.number({
    env: 'MAX_ERROR_RATE',
    default: 0.5,
    min: 0,
    max: 1,
    description:
      'Exit 1 when failed / scheduled requests exceeds this, dropped ones (MAX_IN_FLIGHT open) counting as failed (exit 2 when nothing succeeded).',
  }),
  maxInFlight: opt.int({
    env: 'MAX_IN_FLIGHT',
    default: 10_000,
    min: 1,
    description: 'Requests open at once before new ones are counted as dropped (never silently skipped).',
  }),
  progressSeconds: opt.number({
    env: 'PROGRESS_SECONDS',
    default: 5,
    min: 0,
    description: 'Seconds between progress lines (0 = none).',
  }),
  json: opt.boolean({
    env: 'LOADGEN_JSON',
    default: false,
    description: 'Print the result as JSON after the summary line.',
  }),
});
