import { readFile } from 'node:fs/promises';
import { parseDurationMs } from '@llmops/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** One upstream API as the original's api_providers.yaml describes it. */
export interface ApiProvider {
  name: string;
  baseUrl: string;
  /** Path prefixes a client may call. */
  allowedEndpoints: readonly string[];
  allowedMethods: ReadonlySet<string>;
  /** `param_whitelist`: body parameter → glob patterns its value must match. */
  paramWhitelist: ReadonlyMap<string, readonly RegExp[]>;
  paramPatterns: ReadonlyMap<string, readonly string[]>;
  /** `allowed_origins`: checked when a request carries an Origin header (empty = any). */
  allowedOrigins: readonly string[];
  /** `required_headers` names `origin` (the only one the original acts on): a request without one is refused. */
  originRequired: boolean;
  timeouts: { requestMs?: number; responseHeaderMs?: number };
}

const durationText = z
  .string()
  .refine((s) => parseDurationMs(s) !== undefined, { message: 'must be a duration such as 30s' });

const ProviderSchema = z.looseObject({
  base_url: z.url(),
  allowed_endpoints: z.array(z.string().startsWith('/')).min(1),
  allowed_methods: z.array(z.string()).min(1),
  timeouts: z
    .looseObject({ request: durationText.optional(), response_header: durationText.optional() })
    .optional(),
  param_whitelist: z.record(z.string(), z.array(z.string())).optional(),
  allowed_origins: z.array(z.string()).optional(),
  required_headers: z.array(z.string()).optional(),
});

const FileSchema = z.looseObject({
  default_api: z.string().optional(),
  apis: z.record(z.string(), ProviderSchema),
});

/** The endpoints llmops serves when no file is given: the OpenAI-compatible API vLLM and AIM expose. */
export function builtInProvider(baseUrl: string): ApiProvider {
  return {
    name: 'openai',
    baseUrl,
    allowedEndpoints: [
      '/v1/chat/completions',
      '/v1/completions',
      '/v1/embeddings',
      '/v1/models',
      '/v1/moderations',
      '/v1/audio/',
      '/v1/images/',
      '/v1/files',
      '/v1/responses',
      '/v1/rerank',
      '/v1/score',
      '/v1/tokenize',
      '/v1/detokenize',
    ],
    allowedMethods: new Set(['GET', 'POST', 'OPTIONS']),
    paramWhitelist: new Map(),
    paramPatterns: new Map(),
    allowedOrigins: [],
    originRequired: false,
    timeouts: {},
  };
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/**
 * Loads `name` (DEFAULT_API_PROVIDER) from an api_providers.yaml, or, as the original, the file's default_api when
 * the file has no provider of that name. Returns undefined when the file does not exist and `optional` is set (the
 * default path); any other problem throws naming the file and the field.
 */
export async function loadApiProvider(
  path: string,
  name: string | undefined,
  optional: boolean,
): Promise<ApiProvider | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read API_CONFIG_PATH ${path}: ${(err as Error).message}`);
  }
  const parsed = FileSchema.safeParse(parseYaml(text));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`${path}: ${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`);
  }
  const { apis, default_api: fileDefault } = parsed.data;
  const chosen =
    name !== undefined && (apis[name] !== undefined || fileDefault === undefined)
      ? name
      : (fileDefault ?? 'openai');
  const p = apis[chosen];
  if (!p)
    throw new Error(`${path}: no provider "${chosen}" under apis (have: ${Object.keys(apis).join(', ')})`);
  const patterns = new Map(Object.entries(p.param_whitelist ?? {}));
  return {
    name: chosen,
    baseUrl: p.base_url,
    allowedEndpoints: p.allowed_endpoints,
    allowedMethods: new Set(p.allowed_methods.map((m) => m.toUpperCase())),
    paramWhitelist: new Map([...patterns].map(([k, globs]) => [k, globs.map(globToRegExp)])),
    paramPatterns: patterns,
    allowedOrigins: p.allowed_origins ?? [],
    originRequired: (p.required_headers ?? []).some((h) => h.toLowerCase() === 'origin'),
    timeouts: {
      requestMs: p.timeouts?.request ? parseDurationMs(p.timeouts.request) : undefined,
      responseHeaderMs: p.timeouts?.response_header ? parseDurationMs(p.timeouts.response_header) : undefined,
    },
  };
}

/**
 * Prefix match, as the original, of a path without dot segments. The path goes upstream verbatim (with the
 * project's key), so `/v1/models/../../manage` would pass the prefix and reach whatever an upstream that
 * normalizes paths serves there; the original's Go mux cleaned such paths (decoded) before matching.
 */
export function endpointAllowed(p: ApiProvider, path: string): boolean {
  return p.allowedEndpoints.some((e) => path.startsWith(e)) && !hasDotSegment(path);
}

/** Only paths with a dot, a percent sign or a backslash are looked at closely (the usual ones have none). */
const MAY_HIDE_DOT_SEGMENT = /[.%\\]/;

/**
 * Whether the path, percent-decoded and with `\` read as `/` (as some servers do), has a `.` or `..` segment.
 * A malformed percent escape counts as one: Go's URL parser refused such a request outright.
 */
function hasDotSegment(path: string): boolean {
  if (!MAY_HIDE_DOT_SEGMENT.test(path)) return false;
  let decoded = path;
  if (path.includes('%')) {
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return true;
    }
  }
  return decoded.split(/[\\/]/).some((s) => s === '.' || s === '..');
}
