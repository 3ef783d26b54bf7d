/**
 * Field names whose values are secrets, whatever those values look like. The logger blanks them out in every
 * line it writes, at any depth, which covers auth headers (`req.headers.authorization`), config dumps
 * (`upstreams[0].apiKey`) and child-logger bindings alike.
 */

/** Canonical spellings. Matching ignores case, `-` and `_`, so `apiKey`, `api_key`, `API-KEY` are all caught. */
export const SECRET_KEYS: readonly string[] = [
  // Credential-carrying HTTP headers.
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'set-cookie',
  // Credential fields of llmops and its upstreams.
  'apiKey',
  'token',
  'accessToken',
  'refreshToken',
  'managementToken',
  'password',
  'secret',
  'clientSecret',
  'privateKey',
  'encryptionKey',
  'upstreamApiKey',
];

const CENSOR = '[redacted]';
const normalize = (key: string): string => key.replace(/[-_]/g, '').toLowerCase();
const NORMALIZED = new Set(SECRET_KEYS.map(normalize));
// Logged JSON stays nested only a few levels; the bound just keeps a pathological value from blowing the stack.
const MAX_DEPTH = 64;

/**
 * A cheap pre-check on a JSON line: every secret key ends with one of these words, so a line without any of them
 * followed by `":` (an object key) or `",` (a header name in a name/value list) has no secret key and need not be
 * parsed.
 */
export const SECRET_KEY_HINT = /(?:key|token|passw(?:or)?d|secret|authorization|cookie)"[:,]/i;

/**
 * Endings that name a credential whatever comes before them: `adminApiKey`, `OPENAI_API_KEY`, `DB_PASSWORD`,
 * `aws_secret_access_key`. A bare `…token` is not among them (`firstToken`, `max_tokens` are measurements).
 */
const SECRET_ENDINGS: readonly string[] = [
  'apikey',
  'secret',
  'password',
  'passwd',
  'secretaccesskey',
  'privatekey',
];

export function isSecretKey(key: string): boolean {
  const name = normalize(key);
  return NORMALIZED.has(name) || SECRET_ENDINGS.some((ending) => name.endsWith(ending));
}

/** Replaces, in place, the value of every secret key in a JSON-like value. Returns whether anything changed. */
export function censorSecretKeys(node: unknown, depth = 0): boolean {
  if (typeof node !== 'object' || node === null || depth > MAX_DEPTH) return false;
  let changed = false;
  if (Array.isArray(node)) {
    // Headers also travel as name/value lists: Node's rawHeaders, undici's array form, `[...headers]` entries.
    const pairs = node.length % 2 === 0;
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i];
      if (pairs && i % 2 === 0 && typeof item === 'string' && isSecretKey(item)) {
        if (node[i + 1] !== CENSOR) {
          node[i + 1] = CENSOR;
          changed = true;
        }
        i++;
      } else {
        changed = censorSecretKeys(item, depth + 1) || changed;
      }
    }
    return changed;
  }
  const obj = node as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (isSecretKey(key)) {
      if (obj[key] !== CENSOR) {
        obj[key] = CENSOR;
        changed = true;
      }
    } else {
      changed = censorSecretKeys(obj[key], depth + 1) || changed;
    }
  }
  return changed;
}
