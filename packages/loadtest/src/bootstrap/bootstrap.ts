import { monoNow, redactSecrets } from '@llmops/core';
import { BootstrapError } from './bootstrap-errors.js';
import type { BootstrapTarget } from './bootstrap-target.js';
import { cleanupTenants } from './cleanup-tenants.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { retryPolicy, withRetry, type RetryOptions, type RetryPolicy } from './retry.js';
import {
  assertCount,
  assertValidPlan,
  keyName,
  orgName,
  userEmail,
  userName,
  type TenantKey,
  type TenantOrg,
  type TenantPlan,
  type Tenants,
  type TenantUser,
} from './tenants.js';

export interface BootstrapOptions extends RetryOptions {
  log?: (line: string) => void;
  /** Stops the bootstrap: nothing new is started, what was created is cleaned up, `aborted` is thrown. */
  signal?: AbortSignal;
  /** On failure, leave what was created in place (the error's `partial` lists it) instead of deleting it. */
  keepOnFailure?: boolean;
  /** The clock keys' expiry is computed from. */
  now?: () => Date;
}

const DAY_MS = 86_400_000;

/**
 * Creates a load test's tenants on `target`: `orgCount` organizations, their users, and `keysPerUser` keys per
 * user (all kept: a simulated user rotates through them). Calls run `concurrency` at a time; a transient failure
 * (no answer, 429, 5xx) is retried with exponential backoff and jitter, honouring `Retry-After`; any other failure
 * stops the bootstrap at once. On failure everything created so far is deleted (unless `keepOnFailure`) before a
 * `BootstrapError` naming the object and the server's reason is thrown.
 */
export async function bootstrapTenants(
  target: BootstrapTarget,
  plan: TenantPlan,
  opts: BootstrapOptions = {},
): Promise<Tenants> {
  assertValidPlan(plan);
  const policy = retryPolicy(opts);
  const log = opts.log ?? (() => {});
  for (const u of target.unsupported)
    if (u.appliesTo?.(plan) ?? true)
      log(`bootstrap: warning: the ${target.kind} target does not support ${u.text}`);
  const users = typeof plan.usersPerOrg === 'number' ? String(plan.usersPerOrg) : 'drawn per org';
  log(
    `bootstrap: creating ${String(plan.orgCount)} organizations × ${users} users × ${String(plan.keysPerUser)} ` +
      `keys on the ${target.kind} target (concurrency ${String(policy.concurrency)})`,
  );
  const started = monoNow();
  const run = new TenantBuild(target, plan, policy, opts, log);
  await run.createAll();
  const tenants: Tenants = { orgs: run.orgs(), durationMs: monoNow() - started, created: run.created };
  if (run.failure === undefined) {
    const { orgs, users: u, keys } = tenants.created;
    log(
      `bootstrap: created ${String(orgs)} organizations, ${String(u)} users, ${String(keys)} keys in ` +
        `${(tenants.durationMs / 1000).toFixed(1)} s`,
    );
    return tenants;
  }
  throw await failed(target, tenants, run.failure, policy, opts, log);
}

/** The error to throw, after deleting what was created (unless told to keep it). */
async function failed(
  target: BootstrapTarget,
  partial: Tenants,
  failure: BootstrapError,
  policy: RetryPolicy & { concurrency: number },
  opts: BootstrapOptions,
  log: (line: string) => void,
): Promise<BootstrapError> {
  const { orgs, users, keys } = partial.created;
  const made = `${String(orgs)} organizations, ${String(users)} users, ${String(keys)} keys`;
  log(`bootstrap: failed: ${failure.message}`);
  const details = { status: failure.status, subject: failure.subject, cause: failure.cause };
  if (opts.keepOnFailure === true) {
    log(`bootstrap: keeping the ${made} created before the failure`);
    return new BootstrapError(failure.code, failure.message, { ...details, partial });
  }
  log(`bootstrap: deleting the ${made} created before the failure`);
  const cleanup = await cleanupTenants(target, partial, { ...policy, log });
  const note =
    cleanup.failures.length === 0
      ? ''
      : ` (and ${String(cleanup.failures.length)} of the objects created before could not be deleted; see the log)`;
  return new BootstrapError(failure.code, failure.message + note, { ...details, cleanup });
}

/** One bootstrap in progress: the objects created so far, and the first failure. */
class TenantBuild {
  readonly created = { orgs: 0, users: 0, keys: 0 };
  failure: BootstrapError | undefined;
  private readonly slots: (TenantOrg | undefined)[];
  private readonly limit: ConcurrencyLimit;
  private readonly expiresAt: Date | null;

  constructor(
    private readonly target: BootstrapTarget,
    private readonly plan: TenantPlan,
    private readonly policy: RetryPolicy & { concurrency: number },
    private readonly opts: BootstrapOptions,
    private readonly log: (line: string) => void,
  ) {
    this.slots = new Array<TenantOrg | undefined>(plan.orgCount);
    this.limit = new ConcurrencyLimit(policy.concurrency);
    const now = (opts.now ?? (() => new Date()))().getTime();
    this.expiresAt = plan.expiryDays > 0 ? new Date(now + plan.expiryDays * DAY_MS) : null;
  }

  /** Settles only when every started call has: what was created is then known exactly. */
  async createAll(): Promise<void> {
    await Promise.all(Array.from({ length: this.plan.orgCount }, (_, i) => this.createOrg(i)));
  }

  orgs(): TenantOrg[] {
    return this.slots.filter((o) => o !== undefined);
  }

  private async createOrg(i: number): Promise<void> {
    const name = orgName(this.plan, i + 1);
    const budget = this.plan.budget;
    const subject = `organization "${name}"`;
    const org = await this.step(subject, () =>
      this.target.createOrganization(budget === undefined ? { name } : { name, budget }),
    );
    if (org === undefined) return;
    const tenantOrg: TenantOrg = { id: org.id, name: org.name, users: [] };
    this.slots[i] = tenantOrg;
    this.created.orgs++;
    const count = this.usersOf(i);
    if (count === undefined) return;
    const users = new Array<TenantUser | undefined>(count);
    await Promise.all(Array.from({ length: count }, (_, j) => this.createUser(tenantOrg, i, j, users)));
    tenantOrg.users = users.filter((u) => u !== undefined);
  }

  private async createUser(
    org: TenantOrg,
    i: number,
    j: number,
    into: (TenantUser | undefined)[],
  ): Promise<void> {
    const name = userName(this.plan, i + 1, j + 1);
    const email = userEmail(name);
    const user = await this.step(`user "${name}" of organization "${org.name}"`, () =>
      this.target.createUser({ name, email, organizationId: org.id }),
    );
    if (user === undefined) return;
    const tenantUser: TenantUser = { id: user.id, name, email, keys: [] };
    into[j] = tenantUser;
    this.created.users++;
    const keys = new Array<TenantKey | undefined>(this.plan.keysPerUser);
    await Promise.all(
      Array.from({ length: this.plan.keysPerUser }, async (_, k) => {
        const kName = keyName(this.plan, name, k + 1);
        const key = await this.step(`API key "${kName}" of user "${name}"`, () =>
          this.target.createApiKey({
            name: kName,
            userId: user.id,
            organizationId: org.id,
            expiresAt: this.expiresAt,
          }),
        );
        if (key === undefined) return;
        keys[k] = { id: key.id, name: kName, key: key.key };
        this.created.keys++;
      }),
    );
    tenantUser.keys = keys.filter((k) => k !== undefined);
  }

  private usersOf(i: number): number | undefined {
    const perOrg = this.plan.usersPerOrg;
    try {
      const n = typeof perOrg === 'number' ? perOrg : perOrg(i);
      assertCount(`usersPerOrg(${String(i)})`, n);
      return n;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.failure ??=
        err instanceof BootstrapError
          ? err
          : new BootstrapError('invalid_plan', `usersPerOrg(${String(i)}) threw: ${why}`);
      return undefined;
    }
  }

  /**
   * One creation, in a concurrency slot, with retries. Resolves to undefined (never rejects) when the build has
   * stopped or this call failed; the first failure is kept.
   */
  private async step<T>(subject: string, create: () => Promise<T>): Promise<T | undefined> {
    return this.limit.run(async () => {
      if (this.failure !== undefined) return undefined;
      if (this.opts.signal?.aborted === true) {
        this.failure = this.abortedError();
        return undefined;
      }
      let attempts = 1;
      try {
        return await withRetry(create, this.policy, {
          signal: this.opts.signal,
          onRetry: (err, next, delayMs) => {
            attempts = next;
            const why = err instanceof Error ? err.message : String(err);
            this.log(
              `bootstrap: retrying ${subject} in ${String(Math.round(delayMs))} ms ` +
                `(attempt ${String(next)} of ${String(this.policy.retries + 1)}): ${why}`,
            );
          },
        });
      } catch (err) {
        this.fail(err, subject, attempts);
        return undefined;
      }
    });
  }

  private fail(err: unknown, subject: string, attempts: number): void {
    if (this.failure !== undefined) return;
    if (this.opts.signal?.aborted === true) {
      this.failure = this.abortedError();
      return;
    }
    const tries = attempts > 1 ? ` after ${String(attempts)} attempts` : '';
    // Targets' own messages are already scrubbed; this catches a custom target that is careless.
    const why = redactSecrets(err instanceof Error ? err.message : String(err));
    this.failure = new BootstrapError(
      'create_failed',
      `could not create ${subject} on the ${this.target.kind} target${tries}: ${why}`,
      { subject, ...(err instanceof BootstrapError ? { status: err.status } : {}), cause: err },
    );
  }

  private abortedError(): BootstrapError {
    const { orgs, users, keys } = this.created;
    return new BootstrapError(
      'aborted',
      `the bootstrap was aborted after creating ${String(orgs)} organizations, ${String(users)} users, ` +
        `${String(keys)} keys`,
    );
  }
}
