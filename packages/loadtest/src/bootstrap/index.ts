// Tenant bootstrap: creating (and deleting) a load test's organizations, users and API keys.
export { BOOTSTRAP_ERRORS, BootstrapError, isTransient } from './bootstrap-errors.js';
export type { BootstrapErrorCode, BootstrapErrorDetails } from './bootstrap-errors.js';
export type {
  BootstrapTarget,
  CreatedApiKey,
  CreatedObject,
  NewApiKey,
  NewOrganization,
  NewUser,
  OrgBudget,
  UnsupportedFeature,
} from './bootstrap-target.js';
export { LLMOPS_MAX_TOKEN_MINUTES, LlmopsBootstrapTarget, tokenMinutes } from './llmops-target.js';
export type { LlmopsBootstrapTargetOptions } from './llmops-target.js';
export { AiAasBootstrapTarget, rfc3339 } from './ai-aas-target.js';
export type { AiAasBootstrapTargetOptions } from './ai-aas-target.js';
export { MemoryBootstrapTarget } from './memory-target.js';
export type { MemoryKey, MemoryOrg, MemoryUser } from './memory-target.js';
export { bootstrapTenants } from './bootstrap.js';
export type { BootstrapOptions } from './bootstrap.js';
export { cleanupTenants } from './cleanup-tenants.js';
export type { CleanupOptions } from './cleanup-tenants.js';
export { MAX_BACKOFF_MS, RETRY_DEFAULTS, backoffDelay } from './retry.js';
export type { RetryOptions } from './retry.js';
export {
  EMAIL_DOMAIN,
  allUsers,
  keyName,
  orgName,
  staticTenants,
  userEmail,
  userName,
  usersPerOrgFromRange,
} from './tenants.js';
export type {
  CleanupFailure,
  CleanupReport,
  TenantKey,
  TenantOrg,
  TenantPlan,
  Tenants,
  TenantUser,
} from './tenants.js';
export { TARGET_CONFORMANCE_CASES } from './target-conformance.js';
export type { TargetConformanceCase, TargetConformanceContext } from './target-conformance.js';
