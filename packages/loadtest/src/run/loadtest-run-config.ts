import { defineConfig, opt, type Config } from '@llmops/core';
import { httpClientOption } from '../http-client-option.js';

/**
 * `llmops loadtest run [scenario.yaml]`. Every flag overrides the scenario; without a scenario the flags alone
 * describe the run (a single anonymous test type against `--url`). Env names follow the original worker where it
 * had one (CONFIG_PATH, PUSHGATEWAY_URL).
 */
export const loadtestRunConfig = defineConfig({
  scenario: opt.string({
    env: 'CONFIG_PATH',
    flag: false,
    description:
      'LoadTestScenario file (plain or a ConfigMap manifest); the positional argument wins over it.',
  }),
  url: opt.url({
    env: 'LOADTEST_URL',
    description:
      "Endpoint under test (base URL, without /v1); overrides the scenario's targets.apiRouterUrl.",
  }),
  bootstrapUrl: opt.url({
    env: 'LOADTEST_BOOTSTRAP_URL',
    description:
      'Admin API that creates orgs/users/keys; overrides targets.userOrgUrl (default: same as --url).',
  }),
  bootstrapApi: opt.enum(['llmops', 'ai-aas', 'none'] as const, {
    env: 'LOADTEST_BOOTSTRAP_API',
    description:
      'Which admin API bootstraps tenants: llmops (`llmops proxy` management API), ai-aas, or none.',
  }),
  adminKey: opt.secret({
    env: 'LOADTEST_ADMIN_KEY',
    description: 'Bearer token of the bootstrap API (the management token for llmops).',
  }),
  apiKey: opt.secret({
    env: 'LOADTEST_API_KEY',
    description: 'Key every simulated user sends when tenants are not bootstrapped (--bootstrap-api none).',
  }),
  model: opt.string({
    env: 'LOADTEST_MODEL',
    description:
      'Send every request to this model, whatever the scenario says (default model when it says none).',
  }),
  mode: opt.enum(['users', 'concurrency', 'constant', 'poisson', 'sweep'] as const, {
    env: 'LOADTEST_MODE',
    description:
      'users (scenario users with think time), concurrency (closed loop), constant or poisson (open loop), sweep.',
  }),
  rate: opt.number({
    env: 'LOADTEST_RATE',
    min: 0.001,
    description: 'Requests per second (constant, poisson).',
  }),
  burstiness: opt.number({
    env: 'LOADTEST_BURSTINESS',
    min: 0.01,
    description: 'Gamma shape of poisson arrivals: 1 = Poisson, < 1 burstier, > 1 more regular.',
  }),
  concurrency: opt.int({
    env: 'LOADTEST_CONCURRENCY',
    min: 1,
    description: 'Requests in flight (concurrency mode).',
  }),
  users: opt.int({
    env: 'LOADTEST_USERS',
    min: 1,
    description: 'Simulated users when there is no scenario.',
  }),
  duration: opt.duration({
    env: 'LOADTEST_DURATION',
    description: 'Measured length of the run (users runs too), e.g. 30s, 5m (bare numbers are seconds).',
  }),
  warmup: opt.duration({
    env: 'LOADTEST_WARMUP',
    description: 'Requests sent in this first stretch are not recorded.',
  }),
  sweepStart: opt.number({
    env: 'LOADTEST_SWEEP_START',
    min: 0.001,
    description: 'Sweep: first rate (req/s).',
  }),
  sweepEnd: opt.number({ env: 'LOADTEST_SWEEP_END', min: 0.001, description: 'Sweep: last rate (req/s).' }),
  sweepSteps: opt.int({ env: 'LOADTEST_SWEEP_STEPS', min: 2, description: 'Sweep: number of rates.' }),
  sweepStepDuration: opt.duration({
    env: 'LOADTEST_SWEEP_STEP_DURATION',
    description: 'Sweep: length of each step.',
  }),
  sloTtft: opt.number({
    env: 'LOADTEST_SLO_TTFT_MS',
    min: 0,
    description: 'Goodput SLO: TTFT ≤ this many ms.',
  }),
  sloTpot: opt.number({
    env: 'LOADTEST_SLO_TPOT_MS',
    min: 0,
    description: 'Goodput SLO: TPOT ≤ this many ms.',
  }),
  sloE2e: opt.number({
    env: 'LOADTEST_SLO_E2E_MS',
    min: 0,
    description: 'Goodput SLO: E2E latency ≤ this many ms.',
  }),
  maxRequests: opt.int({
    env: 'LOADTEST_MAX_REQUESTS',
    min: 1,
    description: 'Stop after sending this many measured requests (a total, split among distributed workers).',
  }),
  maxDuration: opt.duration({
    env: 'LOADTEST_MAX_DURATION',
    description: 'Stop after this long, whatever the mode; 0 = no limit.',
  }),
  maxCost: opt.number({
    env: 'LOADTEST_MAX_COST_USD',
    min: 0,
    description: 'Stop before spending more than this (USD; a total, split among workers); 0 = no limit.',
  }),
  maxErrorRate: opt.number({
    env: 'LOADTEST_MAX_ERROR_RATE',
    min: 0,
    max: 1,
    description:
      'Abort when errors / finished requests exceeds this (judged after 20 requests); 0 = no limit.',
  }),
  maxConcurrent: opt.int({
    env: 'LOADTEST_MAX_CONCURRENT',
    min: 1,
    description: 'Never more requests in flight (a total, split among workers).',
  }),
  thinkTimeScale: opt.number({
    env: 'LOADTEST_THINK_TIME_SCALE',
    default: 1,
    min: 0,
    description:
      "Multiplies think times and the users' start stagger (0.1 replays a scenario's pacing 10× faster).",
  }),
  stream: opt.boolean({
    env: 'LOADTEST_STREAM',
    description: 'Stream answers (default: as the test types say).',
  }),
  maxTokens: opt.int({ env: 'LOADTEST_MAX_TOKENS', min: 1, description: 'max_tokens of every request.' }),
  promptTokens: opt.int({
    env: 'LOADTEST_PROMPT_TOKENS',
    min: 1,
    description: 'Approximate prompt length (tokens).',
  }),
  timeout: opt.duration({
    env: 'LOADTEST_TIMEOUT',
    description: 'Per-request timeout (default: targets.timeout, 60 s).',
  }),
  httpClient: httpClientOption,
  seed: opt.int({
    env: 'LOADTEST_SEED',
    default: 1,
    description: 'Seed of every random choice (questions, think time, arrivals).',
  }),
  testRunId: opt.string({
    env: 'TEST_RUN_ID',
    description: 'Run id shared by all workers (default: generated).',
  }),
  workerIndex: opt.int({
    env: 'JOB_COMPLETION_INDEX',
    default: 0,
    min: 0,
    description:
      "This worker's index in a distributed run (Kubernetes indexed Jobs set JOB_COMPLETION_INDEX).",
  }),
  workers: opt.int({
    env: 'LOADTEST_WORKERS',
    min: 1,
    description: "Workers in the distributed run (default: the scenario's spec.workers.replicas, else 1).",
  }),
  debug: opt.boolean({
    env: 'LOADTEST_DEBUG',
    default: false,
    description:
      "Print one line per finished request to standard error (also the scenario's advanced.debug).",
  }),
  dryRun: opt.boolean({
    env: 'LOADTEST_DRY_RUN',
    default: false,
    description:
      "Validate, plan and bootstrap (and clean up), but send no load (also the scenario's advanced.dryRun).",
  }),
  bootstrap: opt.boolean({
    env: 'LOADTEST_BOOTSTRAP',
    default: true,
    description:
      "Create the scenario's orgs/users/keys first (worker 0 in a distributed run creates them for all).",
  }),
  cleanup: opt.boolean({
    env: 'LOADTEST_CLEANUP',
    description:
      "Delete bootstrapped tenants at the end (default: the scenario's cleanup.onCompletion, else true).",
  }),
  reuseTenants: opt.boolean({
    env: 'LOADTEST_REUSE_TENANTS',
    default: false,
    description:
      'llmops: name orgs without the run id and take back the inactive projects an earlier run left under those ' +
      'names, so repeated runs (a CronJob, npm start) do not pile up projects. Only for runs that never overlap.',
  }),
  json: opt.string({
    env: 'LOADTEST_JSON',
    description: 'Write the run (metrics + result) as JSON to this file (`-` = stdout).',
  }),
  jsonl: opt.string({ env: 'LOADTEST_JSONL', description: 'Write one JSON line per request to this file.' }),
  html: opt.string({ env: 'LOADTEST_HTML', description: 'Write the HTML report to this file.' }),
  pushgateway: opt.url({
    env: 'PUSHGATEWAY_URL',
    description:
      "Push loadtest_* metrics to this Prometheus Pushgateway (default: the scenario's spec.metrics.pushgatewayUrl).",
  }),
  pushInterval: opt.duration({
    env: 'LOADTEST_PUSH_INTERVAL',
    min: 50,
    description:
      "Time between Pushgateway pushes; a final push always follows the run (default: the scenario's spec.metrics.exportInterval, else 10s).",
  }),
  progress: opt.boolean({
    env: 'LOADTEST_PROGRESS',
    default: true,
    description: 'Live view on a terminal, a line every few seconds otherwise.',
  }),
});

export type LoadtestRunConfig = Config<typeof loadtestRunConfig>;
