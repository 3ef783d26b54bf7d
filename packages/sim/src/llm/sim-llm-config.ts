import { defineConfig, fail, ok, opt, type ValueType } from '@llmops/core';
import { parseFaultRates, type FaultRates } from './faults.js';

const faultRatesType: ValueType<FaultRates> = {
  label: 'faults',
  expected:
    'comma-separated name=rate pairs, e.g. 429=0.02,cut=0.01 (names: 429, 500, 503, reset, slow_first_byte, stall, cut, malformed, wrong_content_type; rates 0..1, sum ≤ 1)',
  secret: false,
  isBoolean: false,
  parseString(raw) {
    const r = parseFaultRates(raw === 'none' ? '' : raw);
    return typeof r === 'string' ? fail(r) : ok(r);
  },
  parseValue(value, show) {
    if (typeof value === 'string') return this.parseString(value, show);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const spec = Object.entries(value)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',');
      const r = parseFaultRates(spec);
      return typeof r === 'string' ? fail(r) : ok(r);
    }
    return fail(`${show(value)} is neither a string nor a map of fault rates`);
  },
  format(v) {
    const pairs = Object.entries(v).map(([k, r]) => `${k}=${r}`);
    return pairs.length === 0 ? 'none' : pairs.join(',');
  },
};

/** `llmops sim llm`: every option declared once; flags, env vars, file keys, --help and the README come from here. */
export const simLlmConfig = defineConfig({
  host: opt.host({ env: 'SIM_HOST', default: '127.0.0.1', description: 'Interface to listen on.' }),
  port: opt.port({
    env: 'SIM_PORT',
    default: 8000,
    description: 'TCP port to listen on (0 picks a free one).',
  }),
  seed: opt.int({
    env: 'SIM_SEED',
    default: 0,
    min: 0,
    max: 4_294_967_295,
    description: 'Seed for answers, lengths and fault draws: same seed, same run.',
  }),
  apiKey: opt.secret({
    env: 'SIM_API_KEY',
    description: 'When set, /v1 requests must send `Authorization: Bearer <key>` (401 otherwise).',
  }),
  modelsFile: opt.string({
    env: 'SIM_MODELS_FILE',
    description: 'YAML/JSON file with `models:` profiles replacing the built-in ones.',
  }),
  zeroDelay: opt.boolean({
    env: 'SIM_ZERO_DELAY',
    default: false,
    description: 'Answer instantly (every delay 0): for benchmarking what sits in front.',
  }),
  timeScale: opt.number({
    env: 'SIM_TIME_SCALE',
    default: 1,
    min: 0,
    max: 1000,
    description: 'Multiplies every delay of every model profile.',
  }),
  honorMaxTokens: opt.boolean({
    env: 'SIM_HONOR_MAX_TOKENS',
    default: false,
    description: 'Always produce exactly max_tokens when a request sets it (like vLLM ignore_eos).',
  }),
  faults: opt.custom(faultRatesType, {
    env: 'SIM_FAULTS',
    default: {},
    description: 'Fault rates injected at random into generation requests.',
  }),
  faultAfterTokens: opt.int({
    env: 'SIM_FAULT_AFTER_TOKENS',
    default: 8,
    min: 0,
    description: 'Tokens sent before a mid-stream fault (stall, cut, malformed).',
  }),
  faultDelay: opt.duration({
    env: 'SIM_FAULT_DELAY',
    default: 2000,
    description: 'Pause of the stall and slow_first_byte faults.',
  }),
  faultRetryAfter: opt.int({
    env: 'SIM_FAULT_RETRY_AFTER',
    default: 1,
    min: 0,
    description: 'Retry-After seconds sent with injected 429 and 503.',
  }),
  prefixCaching: opt.boolean({
    env: 'SIM_PREFIX_CACHING',
    default: true,
    description:
      "vLLM's automatic prefix caching: repeated prompt prefixes (same cache_salt) skip their prefill and are reported as usage.prompt_tokens_details.cached_tokens.",
  }),
  timelineCapacity: opt.int({
    env: 'SIM_TIMELINE_CAPACITY',
    default: 10_000,
    min: 0,
    description: 'Ground-truth timelines kept for /sim/requests (oldest dropped first).',
  }),
  bodyLimit: opt.int({
    env: 'SIM_BODY_LIMIT',
    default: 8 * 1024 * 1024,
    min: 1024,
    description: 'Largest request body accepted, in bytes (413 beyond).',
  }),
});
