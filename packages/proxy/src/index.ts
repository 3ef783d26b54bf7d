// Public surface of @llmops/proxy.
export * from './store/index.js';
export * from './crypto/index.js';
export * from './manage/index.js';
export * from './proxy-config.js';
export * from './start-proxy.js';
export { TokenGate } from './auth/token-gate.js';
export { AuditWriter } from './audit/audit-writer.js';
export { ProxyErrors } from './http/proxy-errors.js';
export { ProxyMetrics } from './http/proxy-metrics.js';
export { builtInProvider, loadApiProvider, type ApiProvider } from './providers/api-providers.js';
