import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EncryptionKeyError, generateEncryptionKey, parseEncryptionKey } from './encryption-key.js';

const RAW = randomBytes(32);

describe('ENCRYPTION_KEY parsing', () => {
  it('accepts standard base64 of 32 bytes', () => {
    const key = parseEncryptionKey(RAW.toString('base64'));
    expect(key.export().equals(RAW)).toBe(true);
  });

  it('accepts URL-safe base64, padded or not', () => {
    const urlSafe = RAW.toString('base64url');
    expect(parseEncryptionKey(urlSafe).export().equals(RAW)).toBe(true);
    expect(parseEncryptionKey(`${urlSafe}=`).export().equals(RAW)).toBe(true);
  });

  it('ignores surrounding whitespace such as a trailing newline from a secrets file', () => {
    expect(
      parseEncryptionKey(` ${RAW.toString('base64')}\n`)
        .export()
        .equals(RAW),
    ).toBe(true);
  });

  it('accepts what generateEncryptionKey produces', () => {
    expect(parseEncryptionKey(generateEncryptionKey()).symmetricKeySize).toBe(32);
  });

  it.each([
    ['empty', '', /empty/],
    [
      'too short (16 bytes)',
      randomBytes(16).toString('base64'),
      /decodes to 16 bytes, not 32; expected base64 of 32/,
    ],
    ['too long (33 bytes)', randomBytes(33).toString('base64'), /decodes to 33 bytes/],
    ['not base64', 'this is not a key!!', /not valid base64/],
    ['bad padding', `${RAW.toString('base64url')}===`, /not valid base64/],
  ])('rejects a key that is %s with a clear error', (_name, value, message) => {
    expect(() => parseEncryptionKey(value)).toThrow(EncryptionKeyError);
    expect(() => parseEncryptionKey(value)).toThrow(message);
  });

  it('never echoes the key material in the error', () => {
    const secret = randomBytes(31).toString('base64');
    try {
      parseEncryptionKey(secret);
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain(secret);
      expect(String(err)).not.toContain(secret.slice(0, 8));
    }
  });

  it('returns a key that does not print its bytes when logged', () => {
    const text = RAW.toString('base64');
    const key = parseEncryptionKey(text);
    expect(JSON.stringify(key)).not.toContain(text);
    expect(String(key)).not.toContain(text);
  });
});
