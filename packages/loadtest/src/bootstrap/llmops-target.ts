import { z } from 'zod';
import { BootstrapError } from './bootstrap-errors.js';
import { BootstrapHttp } from './bootstrap-http.js';
import type {
  BootstrapTarget,
  CreatedApiKey,
  CreatedObject,
  NewApiKey,
  NewOrganization,
  NewUser,
  UnsupportedFeature,
} from './bootstrap-target.js';

export interface LlmopsBootstrapTargetOptions {
  /** The gateway's base URL (the management API is under `/manage`). */
  url: string;
  /** The gateway's MANAGEMENT_TOKEN. */
  managementToken: string;
  /** The upstream key every project is created with (`api_key`); the gateway sends it to the model server. */
  upstreamApiKey: string;
  /** A project's upstream base URL (`upstream_url`); omitted = the gateway's global upstream. */
  upstreamUrl?: string;
  timeoutMs: number;
  /**
   * Take back a project of the same name that an earlier run's cleanup left inactive, instead of failing on the
   * name: reactivated with this run's upstream key and URL (its old tokens stay revoked). A name held by an
   * active project (a run in progress, or one that never cleaned up) gets `-<reuseFallbackSuffix>` appended.
   */
  reuseInactive?: boolean;
  /** Appended to a name an active project holds, when reusing; the run id, so it stays unique. */
  reuseFallbackSuffix?: string;
  /** Where the reuse decisions are said (one line each). */
  log?: (line: string) => void;
}

/** The management API's longest token lifetime (`duration_minutes`): one year. */
export const LLMOPS_MAX_TOKEN_MINUTES = 525_600;
const MINUTE_MS = 60_000;
const USER_ID_PREFIX = 'local-user:';

const ProjectAnswer = z.object({ id: z.string().min(1), name: z.string() });
const ProjectList = z.array(z.object({ id: z.string().min(1), name: z.string(), is_active: z.boolean() }));
const TokenAnswer = z.object({ id: z.string().min(1), token: z.string().min(1) });

/**
 * Tenants on our own gateway (`llmops proxy`), through its management API:
 * - organization → project: `POST /manage/projects {name, api_key}`;
 * - user → nothing remote: the gateway has no users, so a user is a local record (its id names its project);
 * - API key → token: `POST /manage/tokens {project_id, duration_minutes}`, the clear token is in `token`;
 * - cleanup: `DELETE /manage/tokens/:id` revokes a token; projects cannot be deleted (405), so an organization is
 *   deactivated with its tokens revoked: `PATCH /manage/projects/:id {is_active: false, revoke_tokens: true}`.
 */
export class LlmopsBootstrapTarget implements BootstrapTarget {
  readonly kind = 'llmops';
  readonly unsupported: readonly UnsupportedFeature[] = [
    {
      text: 'organization budgets (projects have no budget)',
      appliesTo: (p) => (p.budget?.limitUSD ?? 0) > 0,
    },
    {
      text: `keys without expiry or beyond one year (expiryDays 0 or > 365 gives ${String(LLMOPS_MAX_TOKEN_MINUTES)} minutes, the gateway’s maximum)`,
      appliesTo: (p) => p.expiryDays === 0 || p.expiryDays > 365,
    },
    {
      text: 'organization deletion (cleanup deactivates the project and revokes its tokens; its name stays taken)',
      appliesTo: () => false,
    },
  ];
  private readonly http: BootstrapHttp;
  private readonly opts: LlmopsBootstrapTargetOptions;

  constructor(opts: LlmopsBootstrapTargetOptions) {
    this.opts = opts;
    this.http = new BootstrapHttp({
      url: opts.url,
      token: opts.managementToken,
      timeoutMs: opts.timeoutMs,
      secrets: [opts.upstreamApiKey],
    });
  }

  async createOrganization(o: NewOrganization): Promise<CreatedObject> {
    try {
      return await this.createProject(o.name);
    } catch (err) {
      if (
        !this.opts.reuseInactive ||
        !(err instanceof BootstrapError) ||
        err.serverCode !== 'project_name_taken'
      )
        throw err;
      const held = (await this.http.json('GET', '/manage/projects', undefined, ProjectList)).find(
        (p) => p.name === o.name,
      );
      if (held !== undefined && !held.is_active) {
        // The upstream URL is set either way, so a project that pointed elsewhere last time follows this run.
        await this.http.json(
          'PATCH',
          `/manage/projects/${encodeURIComponent(held.id)}`,
          { is_active: true, api_key: this.opts.upstreamApiKey, upstream_url: this.opts.upstreamUrl ?? null },
          ProjectAnswer,
        );
        this.opts.log?.(`bootstrap: organization "${o.name}" reuses inactive project ${held.id}`);
        return { id: held.id, name: o.name };
      }
      const suffix = this.opts.reuseFallbackSuffix;
      if (held === undefined || suffix === undefined) throw err;
      const name = `${o.name}-${suffix}`;
      this.opts.log?.(
        `bootstrap: project "${o.name}" is active (another run?): organization created as "${name}"`,
      );
      return this.createProject(name);
    }
  }

  private async createProject(name: string): Promise<CreatedObject> {
    const body: Record<string, string> = { name, api_key: this.opts.upstreamApiKey };
    if (this.opts.upstreamUrl !== undefined) body['upstream_url'] = this.opts.upstreamUrl;
    const p = await this.http.json('POST', '/manage/projects', body, ProjectAnswer);
    return { id: p.id, name: p.name };
  }

  createUser(u: NewUser): Promise<CreatedObject> {
    return Promise.resolve({ id: `${USER_ID_PREFIX}${u.organizationId}:${u.name}`, name: u.name });
  }

  async createApiKey(k: NewApiKey): Promise<CreatedApiKey> {
    const body = { project_id: k.organizationId, duration_minutes: tokenMinutes(k.expiresAt) };
    const t = await this.http.json('POST', '/manage/tokens', body, TokenAnswer);
    return { id: t.id, name: k.name, key: t.token };
  }

  async deleteApiKey(id: string): Promise<void> {
    await this.http.send('DELETE', `/manage/tokens/${encodeURIComponent(id)}`);
  }

  deleteUser(): Promise<void> {
    return Promise.resolve();
  }

  async deleteOrganization(id: string): Promise<void> {
    await this.http.send('PATCH', `/manage/projects/${encodeURIComponent(id)}`, {
      is_active: false,
      revoke_tokens: true,
    });
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** A key's lifetime as the gateway takes it: whole minutes in [1, one year]; no expiry becomes one year. */
export function tokenMinutes(expiresAt: Date | null, nowMs: number = Date.now()): number {
  if (expiresAt === null) return LLMOPS_MAX_TOKEN_MINUTES;
  const minutes = Math.ceil((expiresAt.getTime() - nowMs) / MINUTE_MS);
  return Math.min(LLMOPS_MAX_TOKEN_MINUTES, Math.max(1, minutes));
}
