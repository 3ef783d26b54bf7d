import { monoNow } from '@llmops/core';
import { BootstrapError } from './bootstrap-errors.js';
import type { BootstrapTarget } from './bootstrap-target.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { retryPolicy, withRetry, type RetryOptions } from './retry.js';
import type { CleanupFailure, CleanupReport, Tenants } from './tenants.js';

export interface CleanupOptions extends RetryOptions {
  log?: (line: string) => void;
  /** Stops starting deletes; those not attempted are reported as failures. */
  signal?: AbortSignal;
}

/** Failures listed one per log line; the rest are counted. */
const MAX_FAILURE_LINES = 20;

interface Doomed {
  kind: CleanupFailure['kind'];
  id: string;
  name: string;
}

/**
 * Deletes what a bootstrap created: every key, then every user, then every organization (so no delete meets a
 * parent that still has children), each phase with bounded concurrency and retries. A failure does not stop the
 * cleanup: it is collected, logged and returned in the report. An object that is already gone (404) counts as
 * deleted.
 */
export async function cleanupTenants(
  target: BootstrapTarget,
  tenants: Pick<Tenants, 'orgs'>,
  opts: CleanupOptions = {},
): Promise<CleanupReport> {
  const policy = retryPolicy(opts);
  const log = opts.log ?? (() => {});
  const limit = new ConcurrencyLimit(policy.concurrency);
  const started = monoNow();
  const users = tenants.orgs.flatMap((o) => o.users);
  const phases: [Doomed[], (id: string) => Promise<void>][] = [
    [users.flatMap((u) => u.keys.map((k) => doomed('key', k))), (id) => target.deleteApiKey(id)],
    [users.map((u) => doomed('user', u)), (id) => target.deleteUser(id)],
    [tenants.orgs.map((o) => doomed('organization', o)), (id) => target.deleteOrganization(id)],
  ];
  const deleted = { keys: 0, users: 0, orgs: 0 };
  const failures: CleanupFailure[] = [];
  for (const [objects, remove] of phases) {
    await Promise.all(
      objects.map((o) =>
        limit.run(async () => {
          if (opts.signal?.aborted === true) {
            failures.push({ ...o, message: 'not attempted: the cleanup was aborted' });
            return;
          }
          try {
            await withRetry(() => remove(o.id), policy, { signal: opts.signal });
          } catch (err) {
            if (!isGone(err)) {
              failures.push({ ...o, message: err instanceof Error ? err.message : String(err) });
              return;
            }
          }
          if (o.kind === 'key') deleted.keys++;
          else if (o.kind === 'user') deleted.users++;
          else deleted.orgs++;
        }),
      ),
    );
  }
  const report: CleanupReport = { deleted, failures, durationMs: monoNow() - started };
  logReport(report, target.kind, log);
  return report;
}

function doomed(kind: Doomed['kind'], o: { id: string; name: string }): Doomed {
  return { kind, id: o.id, name: o.name };
}

function isGone(err: unknown): boolean {
  return err instanceof BootstrapError && err.code === 'http_status' && err.status === 404;
}

function logReport(report: CleanupReport, kind: string, log: (line: string) => void): void {
  const { keys, users, orgs } = report.deleted;
  log(
    `cleanup: deleted ${String(keys)} keys, ${String(users)} users, ${String(orgs)} organizations on the ${kind} ` +
      `target in ${(report.durationMs / 1000).toFixed(1)} s` +
      (report.failures.length > 0 ? `; ${String(report.failures.length)} could not be deleted` : ''),
  );
  for (const f of report.failures.slice(0, MAX_FAILURE_LINES)) {
    log(`cleanup: could not delete ${f.kind} "${f.name}" (id ${f.id}): ${f.message}`);
  }
  const more = report.failures.length - MAX_FAILURE_LINES;
  if (more > 0) log(`cleanup: … and ${String(more)} more`);
}
