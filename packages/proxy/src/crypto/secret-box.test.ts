import { createCipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ENCRYPTED_PREFIX, SecretBoxError, decryptSecret, encryptSecret, isEncrypted } from './secret-box.js';

const KEY_BYTES = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const KEY = createSecretKey(KEY_BYTES);

/** Builds an enc:v1 value by hand, the way Go's `gcm.Seal(nonce, nonce, plain, nil)` lays it out. */
function sealLikeGo(plain: string, nonce: Buffer): string {
  const cipher = createCipheriv('aes-256-gcm', KEY_BYTES, nonce);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `enc:v1:${Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64')}`;
}

describe('secret box (enc:v1, AES-256-GCM)', () => {
  it('round-trips a secret', () => {
    const stored = encryptSecret('sk-upstream-key-123', KEY);
    expect(stored.startsWith(ENCRYPTED_PREFIX)).toBe(true);
    expect(decryptSecret(stored, KEY)).toBe('sk-upstream-key-123');
  });

  it('lays out nonce ‖ ciphertext ‖ tag in standard base64, as the Go original does', () => {
    const plain = 'sk-proj-abcdefghijklmnop';
    const stored = encryptSecret(plain, KEY);
    const sealed = Buffer.from(stored.slice(ENCRYPTED_PREFIX.length), 'base64');
    expect(sealed.length).toBe(12 + Buffer.byteLength(plain) + 16);
    expect(stored.slice(ENCRYPTED_PREFIX.length)).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
  });

  it('decrypts a value built by hand from nonce ‖ ciphertext ‖ tag (Go-compatible vector)', () => {
    const nonce = Buffer.from('cafebabefacedbaddecaf888', 'hex');
    const stored = sealLikeGo('héllo wörld', nonce);
    expect(decryptSecret(stored, KEY)).toBe('héllo wörld');
  });

  it('uses a fresh nonce each time, so equal secrets do not look equal at rest', () => {
    expect(encryptSecret('same', KEY)).not.toBe(encryptSecret('same', KEY));
  });

  it('returns an unprefixed value as plaintext (databases from before encryption was on)', () => {
    expect(decryptSecret('sk-plain-legacy-key', KEY)).toBe('sk-plain-legacy-key');
    expect(decryptSecret('', KEY)).toBe('');
  });

  it('leaves the empty string empty, as the original does', () => {
    expect(encryptSecret('', KEY)).toBe('');
  });

  it('detects a tampered ciphertext', () => {
    const stored = encryptSecret('secret', KEY);
    const sealed = Buffer.from(stored.slice(ENCRYPTED_PREFIX.length), 'base64');
    sealed[14] = (sealed[14] ?? 0) ^ 0x01;
    const tampered = ENCRYPTED_PREFIX + sealed.toString('base64');
    expect(() => decryptSecret(tampered, KEY)).toThrow(SecretBoxError);
    expect(() => decryptSecret(tampered, KEY)).toThrow(/different ENCRYPTION_KEY or has been altered/);
  });

  it('rejects a value encrypted under another key', () => {
    const other = createSecretKey(randomBytes(32));
    expect(() => decryptSecret(encryptSecret('secret', other), KEY)).toThrow(SecretBoxError);
  });

  it('rejects truncated and non-base64 values with a clear error', () => {
    expect(() => decryptSecret('enc:v1:AAAA', KEY)).toThrow(/too short/);
    expect(() => decryptSecret('enc:v1:not*base64!', KEY)).toThrow(/not valid base64/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => encryptSecret('x', createSecretKey(randomBytes(16)))).toThrow(/32-byte/);
  });

  it('recognises the prefix only when something follows it', () => {
    expect(isEncrypted('enc:v1:abc')).toBe(true);
    expect(isEncrypted('enc:v1:')).toBe(false);
    expect(isEncrypted('sk-abc')).toBe(false);
  });
});
