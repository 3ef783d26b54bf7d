/**
 * Patterns of secret-looking text, scrubbed from every log line and available to anything else that must show
 * text it does not control (error messages echoed to clients, reports).
 *
 * The logger applies them to the serialized JSON line, so a pattern must only match inside a JSON string: never
 * let it cross a quote or a backslash (the token character classes below exclude both).
 */

export interface SecretPattern {
  /** Must have the global flag (added by {@link addSecretPattern} when missing). */
  readonly re: RegExp;
  /** Replacement string, `$1`-style references allowed. */
  readonly replacement: string;
}

const REDACTED = '[redacted]';

const patterns: SecretPattern[] = [
  // "Bearer <token>" in any case, wherever it appears (headers copied into messages, curl commands, errors).
  { re: /\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, replacement: `$1 ${REDACTED}` },
  // OpenAI-style keys: sk-..., sk-proj-..., sk-ant-... The prefix is kept so operators can tell which kind leaked.
  { re: /\bsk-[A-Za-z0-9_-]{8,}/g, replacement: `sk-${REDACTED}` },
  // llmops and generic tok_ tokens. Requiring a digit or capital spares identifiers such as the
  // llmops_requests_total metric name, which a random token essentially always contains.
  { re: /\b(llmops_|tok_)(?=[A-Za-z0-9_-]*[A-Z0-9])[A-Za-z0-9_-]{8,}/g, replacement: `$1${REDACTED}` },
  // Credentials passed in query strings, fragments or form bodies: ?api_key=..., &refresh_token=...,
  // client_secret=..., X-Amz-Signature=... The name may carry `_`/`-` prefixes but must end in one of these words;
  // the look-behind starts a match only at the start of a name, which keeps the scan linear.
  {
    re: /(?<![A-Za-z0-9_-])((?:[A-Za-z0-9]+[_-])*(?:api[_-]?key|access[_-]?token|token|secret|password|signature))=[^&#\s"'\\]+/gi,
    replacement: `$1=${REDACTED}`,
  },
  // Names that are secrets only as URL parameters (a bare `key=` in prose is often a cache key): Google's ?key=,
  // Azure SAS's &sig=.
  { re: /([?&](?:key|sig))=[^&#\s"'\\]+/gi, replacement: `$1=${REDACTED}` },
  // A password in a URL's userinfo: postgres://user:pass@host (DATABASE_URL), https://user:token@host. The scheme
  // is bounded so that a long run of `a-a-a…` is not rescanned from every word start.
  { re: /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/?#@"'\\]*:)[^\s@/?#"'\\]+@/gi, replacement: `$1${REDACTED}@` },
  // Credential headers written out as text (curl commands, error messages); the auth scheme is kept.
  {
    re: /\b((?:proxy-)?authorization|x-api-key|api-key)(\s*:\s*)((?:basic|bearer|digest|negotiate|token)\s+)?[^\s"'\\,;]+/gi,
    replacement: `$1$2$3${REDACTED}`,
  },
  // JSON Web Tokens (header.payload.signature, both first parts being base64url JSON starting with '{"').
  { re: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, replacement: REDACTED },
];

/** The patterns in use, in the order they are applied (built-ins first, then those added). */
export const SECRET_PATTERNS: readonly SecretPattern[] = patterns;

/**
 * Adds a pattern for every logger and every later {@link redactSecrets} call in the process. Each match is
 * replaced by `replacement` (default `[redacted]`). A missing global flag is added, since a non-global pattern
 * would only scrub the first occurrence.
 */
export function addSecretPattern(re: RegExp, replacement: string = REDACTED): void {
  const global = re.global ? re : new RegExp(re.source, re.flags + 'g');
  patterns.push({ re: global, replacement });
}

/** Returns `text` with every secret-looking substring replaced. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const { re, replacement } of patterns) out = out.replace(re, replacement);
  return out;
}
