import type { KeyObject } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { NewAuditEvent, Store } from '../store/store.js';
import { buildAuditEvent, type AuditAction, type AuditFields, type RequestIds } from './manage-audit.js';

export interface ManagementApiDeps {
  /**
   * Called after every write that may have changed something (POST/PATCH/DELETE answered 2xx or 5xx — a 5xx can
   * follow a partial write), so caches of tokens and projects are dropped at once.
   */
  onChange?: () => void;
  /**
   * Writes the uses of `tokenId` counted in memory and not yet stored (the token gate counts unlimited tokens'
   * uses in batches). Called before a token gets a `max_requests` limit, so the limit counts every use already
   * admitted. Without it, uses still in memory are added to request_count only by the next batch.
   */
  flushUses?: (tokenId: string) => Promise<void>;
  store: Store;
  /** The bearer every `/manage/*` request must send (MANAGEMENT_TOKEN). */
  managementToken: string;
  /** From `parseEncryptionKey(ENCRYPTION_KEY)`; without it keys and tokens are stored as the original stores them then. */
  encryptionKey: KeyObject | undefined;
  /** Takes one audit event; the caller batches the writes, so this must return quickly and never throw. */
  audit: (ev: NewAuditEvent) => void;
  now?: () => Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Request and correlation ids of a management request (client-sent or generated). */
    manageIds: RequestIds | null;
  }
  interface FastifyContextConfig {
    /** The audit action a management route performs; failures are audited with it by the error handler. */
    auditAction?: AuditAction;
    /** Which kind of entity the route's `:id` names, for the audit record of a failure. */
    auditSubject?: 'project' | 'token';
  }
}

/** What every management handler works with. */
export interface ManageContext {
  readonly store: Store;
  readonly managementToken: string;
  readonly encryptionKey: KeyObject | undefined;
  readonly onChange: (() => void) | undefined;
  readonly flushUses: ((tokenId: string) => Promise<void>) | undefined;
  now(): Date;
  /** Writes the audit event of this request; a failing sink is logged, never surfaced to the client. */
  record(req: FastifyRequest, action: AuditAction, fields: AuditFields): void;
}

export function createManageContext(deps: ManagementApiDeps): ManageContext {
  const now = deps.now ?? (() => new Date());
  return Object.freeze({
    store: deps.store,
    managementToken: deps.managementToken,
    encryptionKey: deps.encryptionKey,
    onChange: deps.onChange,
    flushUses: deps.flushUses,
    now,
    record(req: FastifyRequest, action: AuditAction, fields: AuditFields): void {
      const ids = req.manageIds ?? { requestId: String(req.id), correlationId: String(req.id) };
      try {
        deps.audit(buildAuditEvent(req, ids, action, fields, now()));
      } catch (err) {
        req.log.error({ err, action }, 'audit sink failed');
      }
    },
  });
}
