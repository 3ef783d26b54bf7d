/**
 * The last step before a log line leaves the process: secret keys are censored in the JSON and secret-looking
 * text is scrubbed everywhere. Working on the serialized line means it sees exactly what is written — messages,
 * serializer output, error stacks, child bindings — and costs about a microsecond for a line without secret keys
 * (pino's own wildcard `redact` paths measured ~75 µs per line, which would make every request log expensive).
 */
import { censorSecretKeys, SECRET_KEY_HINT } from './secret-keys.js';
import { redactSecrets } from './secret-patterns.js';

/** Redacts one serialized log line (a JSON object followed by a newline, or any text). */
export function redactLogLine(line: string): string {
  return redactSecrets(SECRET_KEY_HINT.test(line) ? censorJsonLine(line) : line);
}

function censorJsonLine(line: string): string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // Not JSON (a custom formatter): the text patterns still apply.
    return line;
  }
  if (!censorSecretKeys(value)) return line;
  return JSON.stringify(value) + (line.endsWith('\n') ? '\n' : '');
}

/**
 * Censors secret keys in objects passed as interpolation arguments (`log.info('cfg %j', cfg)`), which pino
 * formats into the message string, where the line-level key pass can no longer see them as keys.
 */
export function redactInterpolationArgs(args: unknown[]): unknown[] {
  const first = typeof args[0] === 'string' ? 1 : 2;
  if (args.length <= first) return args;
  let out = args;
  for (let i = first; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== 'object' || arg === null) continue;
    let copy: unknown;
    try {
      copy = JSON.parse(jsonWithoutCycles(arg));
    } catch {
      continue; // unserializable (a BigInt): pino prints a placeholder, the text patterns still apply
    }
    if (!censorSecretKeys(copy)) continue;
    if (out === args) out = [...args];
    out[i] = copy;
  }
  return out;
}

/**
 * JSON of `value` with each back-reference to an enclosing object replaced by `"[Circular]"`, as pino prints it:
 * a request or socket object is often circular, and its secret keys must be censored all the same.
 */
function jsonWithoutCycles(value: unknown): string {
  const ancestors: unknown[] = [];
  return JSON.stringify(value, function (this: unknown, _key: string, v: unknown): unknown {
    if (typeof v !== 'object' || v === null) return v;
    // The replacer runs depth first with `this` as the holder: drop the ancestors we have come back out of.
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(v)) return '[Circular]';
    ancestors.push(v);
    return v;
  });
}
