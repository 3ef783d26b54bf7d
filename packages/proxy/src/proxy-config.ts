import {
  defineConfig,
  fail,
  IDLE_KEEP_ALIVE_MS,
  opt,
  valueTypes,
  type Parsed,
  type ValueType,
} from '@llmops/core';
import { ENCRYPTION_KEY_EXPECTED, encryptionKeyProblem } from './crypto/encryption-key.js';

/**
 * `ENCRYPTION_KEY`, checked when the config loads (so a bad one is reported with every other bad setting): base64
 * of 32 bytes. Empty means none, as in the original.
 */
export function encryptionKeyType(): ValueType<string> {
  const base = valueTypes.secret();
  const check = (p: Parsed<string>): Parsed<string> => {
    if (!p.ok || p.value.trim() === '') return p;
    const problem = encryptionKeyProblem(p.value);
    return problem === null ? p : fail(`the key ${problem}`);
  };
  return {
    ...base,
    expected: ENCRYPTION_KEY_EXPECTED,
    parseString: (raw, show) => check(base.parseString(raw, show)),
    parseValue: (value, show) => check(base.parseValue(value, show)),
  };
}

/**
 * `llmops proxy` (alias `server`). Environment variables are the original llm-proxy's, so switching is a change
 * of image; flags and a `--config` file work as for every llmops command.
 */
export const proxyConfig = defineConfig({
  listenAddr: opt.listen({
    env: 'LISTEN_ADDR',
    default: { host: '0.0.0.0', port: 8080 },
    description: 'Address to listen on, Go style (`:8080` = every interface), as the original.',
  }),
  host: opt.host({ env: 'PROXY_HOST', description: 'Overrides the host of LISTEN_ADDR.' }),
  port: opt.port({
    env: 'PROXY_PORT',
    description: 'Overrides the port of LISTEN_ADDR (0 picks a free one).',
  }),
  managementToken: opt.secret({
    env: 'MANAGEMENT_TOKEN',
    required: true,
    minLength: 8,
    description: 'Bearer token of the management API (/manage/*).',
  }),
  dbDriver: opt.enum(['sqlite', 'postgres', 'mysql'], {
    env: 'DB_DRIVER',
    default: 'sqlite',
    description: 'Database: sqlite (embedded); postgres and mysql are not available yet.',
  }),
  databasePath: opt.string({
    env: 'DATABASE_PATH',
    default: './data/llm-proxy.db',
    description: 'SQLite database file (`:memory:` for a throwaway one).',
  }),
  databaseUrl: opt.secret({
    env: 'DATABASE_URL',
    description: 'PostgreSQL/MySQL DSN (not used with sqlite).',
  }),
  apiConfigPath: opt.string({
    env: 'API_CONFIG_PATH',
    default: './config/api_providers.yaml',
    description:
      "The original's api_providers.yaml (allowed endpoints, methods, models, origins, timeouts). A missing default file means built-in OpenAI-compatible defaults.",
  }),
  defaultApiProvider: opt.string({
    env: 'DEFAULT_API_PROVIDER',
    default: 'openai',
    description:
      "Provider of api_providers.yaml to serve; the file's default_api when the file has none of this name, as the original.",
  }),
  openaiApiUrl: opt.url({
    env: 'OPENAI_API_URL',
    default: 'https://api.openai.com',
    description: 'Upstream base URL when no api_providers.yaml is loaded.',
  }),
  upstreamUrl: opt.url({
    env: 'UPSTREAM_URL',
    description:
      "Global upstream base URL, overriding the provider's base_url (a project's own upstream_url still wins).",
  }),
  encryptionKey: opt.custom(encryptionKeyType(), {
    env: 'ENCRYPTION_KEY',
    description: 'Base64 of 32 bytes: upstream keys are stored AES-256-GCM encrypted (`enc:v1:`).',
  }),
  requireEncryptionKey: opt.boolean({
    env: 'REQUIRE_ENCRYPTION_KEY',
    default: false,
    description: 'Refuse to start without ENCRYPTION_KEY.',
  }),
  requestTimeout: opt.duration({
    env: 'REQUEST_TIMEOUT',
    default: 30_000,
    min: 1,
    description:
      'Upstream time to response headers (unlike the original, it does not cut streams: see upstreamIdleTimeout).',
  }),
  clientIdleTimeout: opt.duration({
    env: 'CLIENT_IDLE_TIMEOUT',
    min: 1,
    description:
      "How long a client's idle keep-alive connection is kept open; default 2 × REQUEST_TIMEOUT, as the original's IdleTimeout. Keep it above the idle timeout of a load balancer in front.",
  }),
  upstreamIdleTimeout: opt.duration({
    env: 'UPSTREAM_IDLE_TIMEOUT',
    default: 120_000,
    min: 1,
    description: 'Longest silence inside an upstream response before it is abandoned.',
  }),
  upstreamKeepAliveTimeout: opt.duration({
    env: 'UPSTREAM_KEEPALIVE_TIMEOUT',
    default: IDLE_KEEP_ALIVE_MS,
    min: 1,
    description:
      "How long an idle upstream connection is kept for reuse (at most what the upstream's Keep-Alive header says). Keep it below the upstream's own idle timeout (vLLM/uvicorn: 5 s, without saying so), or a request sent as it closes the connection is lost.",
  }),
  upstreamClient: opt.enum(['lean', 'undici'], {
    env: 'UPSTREAM_CLIENT',
    default: 'lean',
    description:
      'HTTP client for plain-http upstreams: lean (llmops own keep-alive HTTP/1.1 client, ~20 µs less CPU a request) or undici; https upstreams always use undici.',
  }),
  inboundHttp: opt.enum(['lean', 'node'], {
    env: 'INBOUND_HTTP',
    default: 'lean',
    description:
      'How /v1 requests are read and answered: lean (llmops own HTTP/1.1 path for plain requests; anything else, e.g. chunked bodies or other routes, still goes to node:http) or node (node:http for everything).',
  }),
  maxRequestSize: opt.int({
    env: 'MAX_REQUEST_SIZE',
    default: 10 * 1024 * 1024,
    min: 1024,
    description: 'Largest request body in bytes (413 beyond).',
  }),
  auditEnabled: opt.boolean({
    env: 'AUDIT_ENABLED',
    default: true,
    description: 'Write every management action and proxied request to the audit log (database).',
  }),
  auditFlushInterval: opt.duration({
    env: 'AUDIT_FLUSH_INTERVAL',
    default: 1000,
    min: 10,
    description: 'How often batched audit records and token use counts are written.',
  }),
  enableMetrics: opt.boolean({
    env: 'ENABLE_METRICS',
    default: true,
    description: 'Serve METRICS_PATH (JSON) and METRICS_PATH/prometheus.',
  }),
  metricsPath: opt.string({
    env: 'METRICS_PATH',
    default: '/metrics',
    pattern: /^\/[A-Za-z0-9/_-]*$/,
    patternHint: 'an absolute path such as /metrics',
    description: 'Path of the metrics endpoints.',
  }),
  shutdownGrace: opt.duration({
    env: 'SHUTDOWN_GRACE',
    default: 30_000,
    description: 'On SIGTERM: how long in-flight requests (streams included) may finish before they are cut.',
  }),
  logLevel: opt.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    env: 'LOG_LEVEL',
    default: 'info',
    description: 'Log level.',
  }),
});
