import { request } from 'undici';
import { z } from 'zod';
import {
  ErrorBodySchema,
  ProjectSchema,
  PurgeCacheSchema,
  TokenSchema,
  type ProjectView,
  type PurgeCacheView,
  type TokenView,
} from './manage-wire.js';

/** The management API refused a call or could not be reached. The message is safe to print: it never holds the token. */
export class ManagementApiError extends Error {
  override name = 'ManagementApiError';
  constructor(
    message: string,
    /** HTTP status, or undefined when no answer arrived. */
    readonly status: number | undefined,
    /** The server's stable error code, when it sent one. */
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export interface ManagementClientOptions {
  /** e.g. `http://localhost:8080` (a path prefix is kept). */
  baseUrl: string;
  managementToken: string;
  /** Per call, for headers and for the body (the Go admin client used 30 s). */
  timeoutMs?: number;
}

export interface CreateProjectInput {
  name: string;
  api_key: string;
  upstream_url?: string;
}

export interface UpdateProjectInput {
  name?: string;
  api_key?: string;
  upstream_url?: string | null;
  is_active?: boolean;
}

export interface PurgeCacheInput {
  method: string;
  url: string;
  prefix?: string;
}

export interface GenerateTokenInput {
  project_id: string;
  duration_minutes: number;
  max_requests?: number;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Calls `/manage/*` of the gateway (ours or the Go original) with `Authorization: Bearer <management token>`. */
export class ManagementClient {
  readonly #base: string;
  // Private so that neither util.inspect nor an error path can print it.
  readonly #token: string;
  readonly #timeoutMs: number;

  constructor(options: ManagementClientOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.managementToken;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  listProjects(): Promise<ProjectView[]> {
    return this.#call('GET', '/manage/projects', z.array(ProjectSchema));
  }

  getProject(id: string): Promise<ProjectView> {
    return this.#call('GET', `/manage/projects/${encodeURIComponent(id)}`, ProjectSchema);
  }

  createProject(input: CreateProjectInput): Promise<ProjectView> {
    return this.#call('POST', '/manage/projects', ProjectSchema, input);
  }

  updateProject(id: string, input: UpdateProjectInput): Promise<ProjectView> {
    return this.#call('PATCH', `/manage/projects/${encodeURIComponent(id)}`, ProjectSchema, input);
  }

  /** Always refused by the server (405, as the original): projects are deactivated, never deleted. */
  async deleteProject(id: string): Promise<void> {
    await this.#call('DELETE', `/manage/projects/${encodeURIComponent(id)}`, z.unknown());
  }

  purgeCache(input: PurgeCacheInput): Promise<PurgeCacheView> {
    return this.#call('POST', '/manage/cache/purge', PurgeCacheSchema, input);
  }

  generateToken(input: GenerateTokenInput): Promise<TokenView> {
    return this.#call('POST', '/manage/tokens', TokenSchema, input);
  }

  listTokens(projectId?: string): Promise<TokenView[]> {
    const query = projectId === undefined ? '' : `?projectId=${encodeURIComponent(projectId)}`;
    return this.#call('GET', `/manage/tokens${query}`, z.array(TokenSchema));
  }

  getToken(id: string): Promise<TokenView> {
    return this.#call('GET', `/manage/tokens/${encodeURIComponent(id)}`, TokenSchema);
  }

  async revokeToken(id: string): Promise<void> {
    await this.#call('DELETE', `/manage/tokens/${encodeURIComponent(id)}`, z.unknown());
  }

  async #call<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#token}`,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await request(this.#base + path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new ManagementApiError(
        `cannot reach the management API at ${displayBase(this.#base)}: ${reason}`,
        undefined,
        undefined,
      );
    }
    const text = await res.body.text();
    if (res.statusCode >= 400) throw errorFromAnswer(method, path, res.statusCode, text);
    const parsed = schema.safeParse(text === '' ? undefined : parseJson(text));
    if (!parsed.success) {
      throw new ManagementApiError(
        `${method} ${path}: unexpected answer from the management API (HTTP ${String(res.statusCode)})`,
        res.statusCode,
        undefined,
      );
    }
    return parsed.data;
  }
}

/** The server's own message, e.g. `project not found (HTTP 404)`; a non-JSON body is shown trimmed. */
function errorFromAnswer(method: Method, path: string, status: number, text: string): ManagementApiError {
  const body = ErrorBodySchema.safeParse(parseJson(text));
  if (body.success) {
    // `message` when it says more than `error` (the original's 405 for project deletion), then the detail.
    const { error, message, description } = body.data;
    const detail = [message !== error ? message : undefined, description]
      .filter((part) => part !== undefined && part !== '')
      .map((part) => `: ${String(part)}`)
      .join('');
    return new ManagementApiError(`${error}${detail} (HTTP ${String(status)})`, status, body.data.code);
  }
  const snippet = text.trim().slice(0, 200) || 'no body';
  return new ManagementApiError(
    `${method} ${path} failed with HTTP ${String(status)}: ${snippet}`,
    status,
    undefined,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The base URL without any user:password part. */
function displayBase(base: string): string {
  try {
    const url = new URL(base);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/$/, '');
  } catch {
    return base;
  }
}
