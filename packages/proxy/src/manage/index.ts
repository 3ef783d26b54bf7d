// The management API (`/manage/*`), compatible with the Go original's, and what callers need to compose it.
export { registerManagementApi, MANAGEMENT_PREFIX } from './management-api.js';
export type { ManagementApiDeps } from './manage-context.js';
export { MANAGE_ERRORS, ManageError, toManageErrorReply } from './manage-errors.js';
export type { ManageErrorBody, ManageErrorCode, ManageErrorReply } from './manage-errors.js';
export { MANAGEMENT_ACTOR } from './manage-audit.js';
export type { AuditAction } from './manage-audit.js';
export { MAX_DURATION_MINUTES } from './token-routes.js';
export { DEFAULT_AUDIT_PAGE_SIZE, MAX_AUDIT_PAGE_SIZE } from './audit-query.js';
export { storedApiKey, storedTokenForm } from './wire-views.js';
export type { AuditEventWire, ProjectWire, TokenWire } from './wire-views.js';
