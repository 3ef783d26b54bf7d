import type { ProjectView, TokenView } from './manage-wire.js';
import { formatFields, formatTable } from './text-table.js';

/* How `llmops manage` prints projects and tokens as text (`--json` prints the server's JSON instead). */

const NONE = '-';

export function projectTable(projects: readonly ProjectView[]): string[] {
  if (projects.length === 0) return ['No projects.'];
  return formatTable(
    ['ID', 'NAME', 'API KEY', 'ACTIVE', 'UPSTREAM', 'CREATED', 'UPDATED'],
    projects.map((p) => [
      p.id,
      p.name,
      p.api_key ?? NONE,
      yesNo(p.is_active),
      p.upstream_url ?? NONE,
      shortTime(p.created_at),
      shortTime(p.updated_at),
    ]),
  );
}

export function projectFields(p: ProjectView): string[] {
  return formatFields([
    ['ID', p.id],
    ['Name', p.name],
    ['API key', p.api_key ?? NONE],
    ['Active', yesNo(p.is_active)],
    ['Upstream', p.upstream_url ?? 'global (gateway default)'],
    ['Created', shortTime(p.created_at)],
    ['Updated', shortTime(p.updated_at)],
    ...(p.deactivated_at ? ([['Deactivated', shortTime(p.deactivated_at)]] as const) : []),
  ]);
}

export function tokenTable(tokens: readonly TokenView[]): string[] {
  if (tokens.length === 0) return ['No tokens.'];
  return formatTable(
    ['ID', 'TOKEN', 'PROJECT', 'ACTIVE', 'REQUESTS', 'MAX', 'EXPIRES', 'LAST USED'],
    tokens.map((t) => [
      t.id,
      t.token,
      t.project_id ?? NONE,
      yesNo(t.is_active),
      t.request_count === undefined ? NONE : String(t.request_count),
      maxRequests(t.max_requests),
      t.expires_at ? shortTime(t.expires_at) : 'never',
      shortTime(t.last_used_at),
    ]),
  );
}

export function tokenFields(t: TokenView): string[] {
  return formatFields([
    ['ID', t.id],
    ['Token', t.token],
    ['Project', t.project_id ?? NONE],
    ['Active', yesNo(t.is_active)],
    ['Requests', t.request_count === undefined ? NONE : String(t.request_count)],
    ['Max requests', maxRequests(t.max_requests)],
    ['Expires', t.expires_at ? shortTime(t.expires_at) : 'never'],
    ['Created', shortTime(t.created_at)],
    ['Last used', shortTime(t.last_used_at)],
  ]);
}

/** The answer to `token generate`: the one time the clear token is shown. */
export function generatedTokenLines(t: TokenView): string[] {
  return [
    ...formatFields([
      ['ID', t.id],
      ['Token', t.token],
      ['Expires', t.expires_at ? shortTime(t.expires_at) : 'never'],
      ['Max requests', maxRequests(t.max_requests)],
    ]),
    'Store the token now: it is not shown again.',
  ];
}

function yesNo(v: boolean | undefined): string {
  return v === undefined ? NONE : v ? 'yes' : 'no';
}

function maxRequests(v: number | null | undefined): string {
  return v === undefined || v === null || v <= 0 ? 'unlimited' : String(v);
}

/** `2025-06-01 12:00` UTC, as the original CLI prints times; `-` when absent. */
function shortTime(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}
