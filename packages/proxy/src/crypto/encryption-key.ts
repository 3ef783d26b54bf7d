import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/** AES-256 needs exactly this many key bytes. */
export const ENCRYPTION_KEY_BYTES = 32;

const STD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const URL_BASE64 = /^[A-Za-z0-9_-]+={0,2}$/;

/** `ENCRYPTION_KEY` is unusable. The message describes the problem only; it never contains the value. */
export class EncryptionKeyError extends Error {
  override name = 'EncryptionKeyError';
  readonly code = 'invalid_encryption_key';
}

/**
 * Parses `ENCRYPTION_KEY`: base64 (standard or URL-safe, padded or not) of exactly 32 bytes. The Go original only
 * accepts standard base64; URL-safe is accepted too because `openssl rand -base64` and URL-safe generators are both
 * common, and the decoded bytes are what matter.
 *
 * Returns a KeyObject rather than a Buffer so the key cannot end up in a log line by accident: inspecting a
 * KeyObject shows its type, not its bytes.
 */
export function parseEncryptionKey(value: string): KeyObject {
  const decoded = decodeKey(value);
  if (typeof decoded === 'string')
    throw new EncryptionKeyError(`ENCRYPTION_KEY ${decoded}; expected ${ENCRYPTION_KEY_EXPECTED}.`);
  const key = createSecretKey(decoded);
  decoded.fill(0);
  return key;
}

/** What a usable `ENCRYPTION_KEY` looks like, for error messages and the config table. */
export const ENCRYPTION_KEY_EXPECTED = 'base64 of 32 random bytes (e.g. `openssl rand -base64 32`)';

/**
 * Why `value` cannot be the encryption key (`is not valid base64`, `decodes to 16 bytes`), or null when it can. The
 * problem never contains the value; the config loader reports it with every other bad setting at start.
 */
export function encryptionKeyProblem(value: string): string | null {
  const decoded = decodeKey(value);
  if (typeof decoded === 'string') return decoded;
  decoded.fill(0);
  return null;
}

/** The key's 32 bytes (the caller zeroes them), or the problem with `value`. */
function decodeKey(value: string): Buffer | string {
  const text = value.trim();
  if (text === '') return 'is empty';
  const alphabet = STD_BASE64.test(text) ? 'base64' : URL_BASE64.test(text) ? 'base64url' : undefined;
  if (alphabet === undefined || !hasValidPadding(text)) return 'is not valid base64';
  const bytes = Buffer.from(text.replace(/=+$/, ''), alphabet);
  if (bytes.length === ENCRYPTION_KEY_BYTES) return bytes;
  const n = bytes.length;
  bytes.fill(0);
  return `decodes to ${String(n)} bytes, not ${String(ENCRYPTION_KEY_BYTES)}`;
}

/** A fresh key in the form `parseEncryptionKey` accepts (standard base64), e.g. for a setup command. */
export function generateEncryptionKey(): string {
  return randomBytes(ENCRYPTION_KEY_BYTES).toString('base64');
}

/** Padding, when present, must make the length a multiple of 4 (Node's decoder would silently accept anything). */
function hasValidPadding(text: string): boolean {
  const unpadded = text.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return false;
  return unpadded.length === text.length || text.length % 4 === 0;
}
