import { OPENAI_ERROR_TYPES, type OpenAIErrorType } from '../openai/error-envelope.js';
import { isLlmopsError, LlmopsError } from './llmops-error.js';

export interface ErrorDefinition {
  readonly status: number;
  readonly type: OpenAIErrorType;
  /** Static text, or built from the params given where the error is raised. Must be safe to show any client. */
  readonly message: string | ((params: never) => string);
}

export type ErrorDefinitions = Readonly<Record<string, ErrorDefinition>>;

/** Per-occurrence details that are not part of the message. */
export interface ErrorExtra {
  /** The request parameter at fault, echoed in the envelope's `param`. */
  param?: string | null;
  headers?: Readonly<Record<string, string>>;
  /** The underlying error, for the log. */
  cause?: unknown;
}

/** The params a code's message needs: required when the message is a function, absent otherwise. */
export type ErrorArgs<Def extends ErrorDefinition> = Def['message'] extends (params: infer P) => string
  ? [params: P, extra?: ErrorExtra]
  : [params?: undefined, extra?: ErrorExtra];

export interface ErrorRegistry<D extends ErrorDefinitions> {
  readonly definitions: D;
  readonly codes: readonly (keyof D & string)[];
  /** Builds (does not throw) the error for `code`; an unknown code or wrong params is a type error. */
  error<K extends keyof D & string>(code: K, ...args: ErrorArgs<D[K]>): LlmopsError<K>;
  /** True for an LlmopsError carrying `code`, or any code of this registry when `code` is omitted. */
  is<K extends keyof D & string>(err: unknown, code?: K): err is LlmopsError<K>;
}

/** The codes of a registry, e.g. `ErrorCodeOf<typeof CoreErrors>`. */
export type ErrorCodeOf<R> = R extends ErrorRegistry<infer D> ? keyof D & string : never;

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const KNOWN_TYPES: ReadonlySet<string> = new Set(OPENAI_ERROR_TYPES);

/** Every registry is checked when defined, so a bad entry fails at startup rather than on some rare error path. */
function assertDefinition(code: string, def: ErrorDefinition): void {
  const problems: string[] = [];
  if (!SNAKE_CASE.test(code)) problems.push('code must be snake_case');
  if (!Number.isInteger(def.status) || def.status < 400 || def.status > 599)
    problems.push('status must be 4xx or 5xx');
  if (!KNOWN_TYPES.has(def.type)) problems.push(`type must be one of ${OPENAI_ERROR_TYPES.join(', ')}`);
  if (typeof def.message === 'string' && def.message.trim() === '')
    problems.push('message must not be empty');
  if (problems.length > 0) throw new Error(`Invalid error definition '${code}': ${problems.join('; ')}`);
}

function renderMessage(def: ErrorDefinition, params: unknown): string {
  if (typeof def.message === 'string') return def.message;
  // The registry's types tie each code to its params; at runtime the function takes whatever it was given.
  return (def.message as (params: unknown) => string)(params);
}

/**
 * Declares a set of error codes. Core has `CoreErrors`; the gateway and the simulator declare their own with the
 * same machinery, so every error in llmops reaches the client through one envelope (see `toErrorResponse`).
 */
export function defineErrors<const D extends ErrorDefinitions>(definitions: D): ErrorRegistry<D> {
  for (const [code, def] of Object.entries(definitions)) assertDefinition(code, def);
  type Code = keyof D & string;
  const codes = Object.keys(definitions) as Code[];
  const owns = (code: string): boolean => Object.hasOwn(definitions, code);
  return {
    definitions,
    codes,
    error<K extends Code>(code: K, ...args: ErrorArgs<D[K]>): LlmopsError<K> {
      const def: ErrorDefinition | undefined = definitions[code];
      // Unreachable from typed code; plain-JS callers and casts get a clear message instead of a TypeError.
      if (def === undefined) throw new Error(`Unknown error code '${code}'`);
      const [params, extra] = args;
      return new LlmopsError({
        code,
        status: def.status,
        type: def.type,
        message: renderMessage(def, params),
        param: extra?.param ?? null,
        headers: extra?.headers,
        cause: extra?.cause,
      });
    },
    is<K extends Code>(err: unknown, code?: K): err is LlmopsError<K> {
      return isLlmopsError(err) && (code === undefined ? owns(err.code) : err.code === code);
    },
  };
}
