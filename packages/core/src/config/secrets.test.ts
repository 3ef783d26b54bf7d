import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { defineConfig } from './define-config.js';
import { describeConfig } from './describe-config.js';
import { loadConfig } from './load-config.js';
import type { ConfigSources } from './load-config.js';
import { configTableMarkdown } from './markdown-table.js';
import { opt } from './opt.js';
import type { ConfigSpec } from './option.js';
import { specOptions } from './spec-options.js';
import { fail } from './value-type.js';
import type { ValueType } from './value-type.js';
import { valueTypes } from './value-types.js';

const SECRET = 'sk-live-0123456789';

function messageOf(spec: ConfigSpec, sources: ConfigSources): string {
  try {
    loadConfig(spec, { env: {}, ...sources });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return `${error.message}\n${JSON.stringify(error.issues)}`;
  }
  throw new Error('expected a ConfigError');
}

describe('secret values are never printed', () => {
  const spec = defineConfig({
    apiKey: opt.secret({ env: 'API_KEY', minLength: 32, pattern: /^sk-/, description: 'Key.' }),
    keys: opt.list(valueTypes.secret({ minLength: 32 }), { env: 'KEYS', description: 'Keys.' }),
  });

  it('in issues about a bad secret, from any source', () => {
    for (const sources of [
      { env: { API_KEY: SECRET } },
      { flags: { apiKey: SECRET } },
      { file: { apiKey: SECRET } },
      { env: { KEYS: `${SECRET},other` } },
    ]) {
      const message = messageOf(spec, sources);
      expect(message).toContain('***');
      expect(message).not.toContain(SECRET);
    }
  });

  it('in issues about a non-secret option whose bad value carries a credential (a URL with a password or key)', () => {
    const urls = defineConfig({ upstream: opt.url({ env: 'UPSTREAM_URL', description: 'Upstream.' }) });
    for (const bad of [
      'ftp://admin:hunter2-pass@llm.internal/v1',
      `htp://llm.internal/v1?api_key=${SECRET}`,
    ]) {
      const message = messageOf(urls, { env: { UPSTREAM_URL: bad } });
      expect(message).toContain('UPSTREAM_URL');
      expect(message).toContain('[redacted]');
      expect(message).not.toContain('hunter2-pass');
      expect(message).not.toContain(SECRET);
    }
  });

  it('in issues about a secret of the wrong kind in a file', () => {
    expect(messageOf(spec, { file: { apiKey: 123456789 } })).not.toContain('123456789');
  });

  it('in issues written by a custom parser that quotes its input', () => {
    const leaky: ValueType<string> = {
      ...valueTypes.secret(),
      parseString: (raw) => fail(`cannot use ${raw}`),
    };
    const custom = defineConfig({ token: opt.custom(leaky, { env: 'TOKEN', description: 'Token.' }) });
    const message = messageOf(custom, { env: { TOKEN: SECRET } });
    expect(message).not.toContain(SECRET);
    expect(message).toContain('TOKEN (token): *** is not valid');
  });

  it('in zod options marked secret', () => {
    const zodSpec = defineConfig({
      creds: opt.zod(z.string().startsWith('x-'), {
        secret: true,
        expected: 'x-…',
        env: 'CREDS',
        description: 'C.',
      }),
    });
    expect(messageOf(zodSpec, { env: { CREDS: SECRET } })).not.toContain(SECRET);
  });

  it('in describeConfig, the docs table and specOptions texts', () => {
    const withDefault = defineConfig({ apiKey: opt.secret({ default: SECRET, description: 'Key.' }) });
    const config = loadConfig(withDefault, { env: {} });
    expect(config.apiKey).toBe(SECRET);
    expect(JSON.stringify(describeConfig(withDefault, config))).not.toContain(SECRET);
    expect(configTableMarkdown(withDefault)).not.toContain(SECRET);
    expect(specOptions(withDefault)[0]?.defaultText).toBe('***');
  });
});
