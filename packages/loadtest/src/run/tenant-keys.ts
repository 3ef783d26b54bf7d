import {
  AiAasBootstrapTarget,
  bootstrapTenants,
  cleanupTenants,
  LlmopsBootstrapTarget,
  type BootstrapTarget,
  type Tenants,
} from '../bootstrap/index.js';
import type { RunPlan } from '../engine/run-plan.js';
import { shardUsers } from '../engine/shards.js';
import type { LoadTestScenario } from '../scenario/index.js';
import type { LoadtestRunConfig } from './loadtest-run-config.js';

/** Keys of this worker's users, rotated per request (a user with several keys uses each in turn). */
export class TenantKeys {
  private readonly byUser = new Map<number, { keys: string[]; next: number }>();
  private readonly order: number[] = [];

  constructor(users: readonly number[], keys: readonly (readonly string[])[]) {
    users.forEach((u, i) => {
      const k = keys[i];
      if (k && k.length > 0) {
        this.byUser.set(u, { keys: [...k], next: 0 });
        this.order.push(u);
      }
    });
  }

  /** The next key of user `u`; a user this worker does not own borrows one of its users' keys. */
  keyFor(u: number): string | undefined {
    const own = this.byUser.get(u) ?? this.byUser.get(this.order[u % Math.max(1, this.order.length)] ?? -1);
    if (!own) return undefined;
    const key = own.keys[own.next % own.keys.length];
    own.next++;
    return key;
  }
}

export interface TenantSetup {
  keys: TenantKeys | null;
  cleanup(log: (line: string) => void): Promise<void>;
}

function targetOf(
  cfg: LoadtestRunConfig,
  s: LoadTestScenario,
  kind: 'llmops' | 'ai-aas',
  runId: string,
  log: (line: string) => void,
): BootstrapTarget {
  const t = s.spec.targets;
  // llmops serves chat and management on one address, so --url moves both unless --bootstrap-url says otherwise.
  const url = cfg.bootstrapUrl ?? (kind === 'llmops' ? cfg.url : undefined) ?? t.userOrgUrl;
  const adminKey = cfg.adminKey ?? t.adminApiKey;
  if (!url) throw new Error('bootstrap needs targets.userOrgUrl or --bootstrap-url');
  if (!adminKey)
    throw new Error('bootstrap needs an admin key: targets.adminApiKey or --admin-key (LOADTEST_ADMIN_KEY)');
  // --timeout is the per-request timeout of the whole run, bootstrap calls included, as targets.timeout is.
  const timeoutMs = cfg.timeout ?? t.timeout * 1000;
  return kind === 'llmops'
    ? new LlmopsBootstrapTarget({
        url,
        managementToken: adminKey,
        upstreamApiKey: t.upstreamApiKey ?? 'sk-loadtest-upstream-unset',
        timeoutMs,
        ...(cfg.reuseTenants ? { reuseInactive: true, reuseFallbackSuffix: runId, log } : {}),
      })
    : new AiAasBootstrapTarget({ url, adminApiKey: adminKey, timeoutMs });
}

/**
 * Creates this worker's tenants. Each worker bootstraps the users it simulates (the seed's workers all
 * self-bootstrap); with several workers the org names carry the worker index, so they never collide.
 */
export async function setUpTenants(
  cfg: LoadtestRunConfig,
  s: LoadTestScenario | null,
  plan: RunPlan,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<TenantSetup> {
  // The plan's user count is the scenario's (orgs × users per org) or the flags'.
  const total = plan.users.count;
  const mine = shardUsers(total, plan.shard);
  const none = (key: string | undefined): TenantSetup => ({
    keys: key
      ? new TenantKeys(
          mine,
          mine.map(() => [key]),
        )
      : null,
    cleanup: async () => {},
  });
  if (!s) return none(cfg.apiKey);
  const spec = s.spec;
  const perOrg = spec.users.perOrg.min;
  const kind = cfg.bootstrapApi ?? spec.targets.bootstrapApi;
  if (kind === 'none' || !cfg.bootstrap) return none(cfg.apiKey ?? spec.targets.apiKey);
  if (mine.length === 0) {
    log(
      `bootstrap: skipped (worker ${plan.shard.index} of ${plan.shard.count} has none of the ${total} users)`,
    );
    return none(undefined);
  }
  const counts = Array.from(
    { length: spec.organizations.count },
    (_, org) => mine.filter((u) => Math.floor(u / perOrg) === org).length,
  );
  const even = counts.every((c) => c === counts[0]);
  const mineByOrg = even ? (counts[0] ?? 0) : (org: number): number => counts[org] ?? 0;
  const target = targetOf(cfg, s, kind, plan.testRunId, log);
  // llmops projects cannot be deleted (only deactivated), so their names carry the run id to stay unique, unless
  // the run takes back the projects an earlier run left inactive under the plain names.
  const base = spec.organizations.namePrefix ?? 'loadtest-org';
  const reuse = kind === 'llmops' && cfg.reuseTenants;
  const runPart = !reuse && (kind === 'llmops' || !spec.organizations.namePrefix) ? `-${plan.testRunId}` : '';
  const workerPart = plan.shard.count > 1 ? `-w${plan.shard.index}` : '';
  const budget = spec.organizations.budget;
  let tenants: Tenants;
  try {
    tenants = await bootstrapTenants(
      target,
      {
        orgCount: spec.organizations.count,
        orgPrefix: `${base}${runPart}${workerPart}`,
        ...(budget?.limitUSD ? { budget: { ...budget, limitUSD: budget.limitUSD } } : {}),
        usersPerOrg: mineByOrg,
        userPrefix: spec.users.namePrefix,
        keysPerUser: spec.users.apiKeys.perUser,
        keyPrefix: spec.users.apiKeys.namePrefix,
        expiryDays: spec.users.apiKeys.expiryDays,
      },
      { log, signal },
    );
  } catch (err) {
    await target.close?.(); // its connections are not left open behind a failed bootstrap
    throw err;
  }
  const keys = tenants.orgs.flatMap((o) => o.users.map((u) => u.keys.map((k) => k.key)));
  const doCleanup = cfg.cleanup ?? spec.cleanup?.onCompletion ?? true;
  return {
    keys: new TenantKeys(mine, keys),
    cleanup: async (say) => {
      try {
        if (!doCleanup) {
          say('cleanup: skipped (tenants kept)');
          return;
        }
        await cleanupTenants(target, tenants, { log: say });
      } finally {
        await target.close?.();
      }
    },
  };
}
