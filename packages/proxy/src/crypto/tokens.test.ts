import { describe, expect, it } from 'vitest';
import {
  constantTimeEqual,
  generateToken,
  hashToken,
  isTokenFormat,
  obfuscateApiKey,
  obfuscateToken,
} from './tokens.js';

describe('token generation', () => {
  it('produces sk- + 22 base64url characters (25 in all)', () => {
    const token = generateToken();
    expect(token).toHaveLength(25);
    expect(token).toMatch(/^sk-[A-Za-z0-9_-]{22}$/);
    expect(isTokenFormat(token)).toBe(true);
  });

  it('encodes a UUIDv7 carrying the creation time', () => {
    const now = Date.UTC(2026, 2, 28, 12, 0, 0, 123);
    const bytes = Buffer.from(generateToken(now).slice(3), 'base64url');
    expect(bytes).toHaveLength(16);
    expect(bytes.readUIntBE(0, 6)).toBe(now);
    expect((bytes[6] ?? 0) >> 4).toBe(7);
    expect((bytes[8] ?? 0) >> 6).toBe(0b10);
  });

  it('sorts by creation time', () => {
    const a = generateToken(1_000_000);
    const b = generateToken(2_000_000);
    expect(Buffer.from(a.slice(3), 'base64url').compare(Buffer.from(b.slice(3), 'base64url'))).toBe(-1);
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateToken(0)));
    expect(tokens.size).toBe(1000);
  });
});

describe('token format check', () => {
  it.each([
    '',
    'sk-',
    'sk-short',
    'pk-AAAAAAAAAAAAAAAAAAAAAA',
    'sk-AAAAAAAAAAAAAAAAAAAAA+',
    'sk-AAAAAAAAAAAAAAAAAAAAAAA',
  ])('rejects %j', (s) => expect(isTokenFormat(s)).toBe(false));

  it('accepts a generated token', () => expect(isTokenFormat('sk-AZXo1a2B_c-dEfGhIjKlMn')).toBe(true));
});

describe('token hashing', () => {
  it('is lowercase hex SHA-256', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('token obfuscation', () => {
  it('shows sk- + first 4 + 14 stars + last 4 of a 25-character token', () => {
    expect(obfuscateToken('sk-ABCDefghijklmnopqrXYZ1')).toBe('sk-ABCD**************XYZ1');
  });

  it.each([
    ['', ''],
    ['abc', 'abc'],
    ['sk-12345678', 'sk-12345678'],
    ['sk-1234567890', 'sk-1234**7890'],
    [
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    ],
  ])('matches the original for %j', (input, expected) => expect(obfuscateToken(input)).toBe(expected));
});

describe('API key obfuscation', () => {
  it.each([
    ['', ''],
    ['a', '*'],
    ['abcd', '****'],
    ['abcde', 'ab***'],
    ['abcdefghijkl', 'ab**********'],
    ['abcdefghijklmnop', 'abcdefgh...mnop'],
    ['sk-proj-1234567890abcdef', 'sk-proj-...cdef'],
  ])('obfuscates %j as %j', (input, expected) => expect(obfuscateApiKey(input)).toBe(expected));
});

describe('constant-time comparison', () => {
  it('is true only for equal strings', () => {
    expect(constantTimeEqual('management-secret', 'management-secret')).toBe(true);
    expect(constantTimeEqual('management-secret', 'management-secreT')).toBe(false);
  });

  it('handles different lengths without throwing', () => {
    expect(constantTimeEqual('short', 'a much longer candidate')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('', 'x')).toBe(false);
  });
});

describe('uuidV7', () => {
  it('is an RFC 9562 version-7 UUID, unique, and ordered by its millisecond', async () => {
    const { uuidV7 } = await import('./tokens.js');
    const re = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const ids = Array.from({ length: 20_000 }, () => uuidV7());
    expect(ids.every((id) => re.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(uuidV7(1_000).slice(0, 13) < uuidV7(2_000).slice(0, 13)).toBe(true);
    expect(uuidV7(0x0123456789ab).replace(/-/g, '').slice(0, 12)).toBe('0123456789ab');
    expect(uuidV7(0xfedcba987654).replace(/-/g, '').slice(0, 12)).toBe('fedcba987654');
    expect(uuidV7(0).slice(0, 13)).toBe('00000000-0000');
    // The 74 random bits vary: over 20,000 ids every hex digit shows up in every random position.
    const hex = ids.map((id) => id.replace(/-/g, ''));
    for (const pos of [13, 14, 15, 17, 18, 19, 20, 31]) {
      expect(new Set(hex.map((h) => h[pos])).size, `position ${pos}`).toBe(16);
    }
  });
});
