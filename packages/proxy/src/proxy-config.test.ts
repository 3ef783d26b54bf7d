import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '@llmops/core';
import { describe, expect, it } from 'vitest';
import { proxyConfig } from './proxy-config.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(proxyConfig, { env: { MANAGEMENT_TOKEN: 'a-management-token', ...env } });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('ENCRYPTION_KEY in the config', () => {
  it('is checked at load, with every other bad setting, and never quoted', () => {
    const short = randomBytes(16).toString('base64');
    const message = problemsOf({ ENCRYPTION_KEY: short, LISTEN_ADDR: 'nowhere' });
    expect(message).toContain('LISTEN_ADDR');
    expect(message).toMatch(
      /ENCRYPTION_KEY \(encryptionKey\): the key decodes to 16 bytes, not 32; expected base64 of 32/,
    );
    expect(message).not.toContain(short);
    expect(problemsOf({ ENCRYPTION_KEY: 'not a key!' })).toMatch(/ENCRYPTION_KEY .*not valid base64/);
  });

  it('accepts a good key, and an empty one as none (as the original)', () => {
    const key = randomBytes(32).toString('base64');
    const env = { MANAGEMENT_TOKEN: 'a-management-token' };
    expect(loadConfig(proxyConfig, { env: { ...env, ENCRYPTION_KEY: key } }).encryptionKey).toBe(key);
    expect(loadConfig(proxyConfig, { env: { ...env, ENCRYPTION_KEY: '' } }).encryptionKey).toBeFalsy();
  });
});
