import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { ENCRYPTION_KEY_BYTES } from './encryption-key.js';

/*
 * Secrets at rest (a project's upstream API key), byte-compatible with the Go original
 * (`internal/encryption/encryption.go`), so its databases can be read as they are:
 *
 *   `enc:v1:` + standard base64( nonce[12] ‖ ciphertext ‖ GCM tag[16] )
 *
 * AES-256-GCM, a random 12-byte nonce per value, no associated data.
 */

/** Marks a stored value as encrypted; anything without it is plaintext from before encryption was turned on. */
export const ENCRYPTED_PREFIX = 'enc:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

/** A stored secret cannot be decrypted: wrong key, tampered or truncated value. Never contains the value. */
export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
  readonly code = 'secret_decrypt_failed';
}

/** True when `stored` carries the `enc:v1:` prefix (and something after it), as in the original. */
export function isEncrypted(stored: string): boolean {
  return stored.length > ENCRYPTED_PREFIX.length && stored.startsWith(ENCRYPTED_PREFIX);
}

/** Encrypts with a fresh random nonce. The empty string stays empty, as in the original. */
export function encryptSecret(plain: string, key: KeyObject): string {
  if (plain === '') return '';
  assertKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const sealed = Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]);
  return ENCRYPTED_PREFIX + sealed.toString('base64');
}

/**
 * Decrypts an `enc:v1:` value. An unprefixed value is returned unchanged: databases written before
 * ENCRYPTION_KEY was set hold plaintext keys, and the original reads them the same way.
 */
export function decryptSecret(stored: string, key: KeyObject): string {
  if (!isEncrypted(stored)) return stored;
  assertKey(key);
  const encoded = stored.slice(ENCRYPTED_PREFIX.length);
  // Buffer.from skips characters outside the alphabet; a strict check keeps a damaged value from decoding "fine".
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw new SecretBoxError('Stored secret is not valid base64 after the enc:v1: prefix.');
  }
  const sealed = Buffer.from(encoded, 'base64');
  if (sealed.length < NONCE_BYTES + TAG_BYTES) {
    throw new SecretBoxError('Stored secret is too short to be an enc:v1: value.');
  }
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const ciphertext = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new SecretBoxError(
      'Stored secret failed authentication: it was encrypted with a different ENCRYPTION_KEY or has been altered.',
      { cause },
    );
  }
}

function assertKey(key: KeyObject): void {
  if (key.type !== 'secret' || key.symmetricKeySize !== ENCRYPTION_KEY_BYTES) {
    throw new SecretBoxError(`The encryption key must be a ${String(ENCRYPTION_KEY_BYTES)}-byte secret key.`);
  }
}
