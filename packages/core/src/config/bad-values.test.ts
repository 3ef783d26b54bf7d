import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { defineConfig } from './define-config.js';
import { loadConfig } from './load-config.js';
import { opt } from './opt.js';
import { valueTypes } from './value-types.js';

const spec = defineConfig({
  name: opt.string({ env: 'T_NAME', minLength: 3, description: 'A name.' }),
  apiKey: opt.secret({ env: 'T_API_KEY', minLength: 8, description: 'A key.' }),
  workers: opt.int({ env: 'T_WORKERS', min: 1, max: 64, description: 'Workers.' }),
  ratio: opt.number({ env: 'T_RATIO', min: 0, max: 1, description: 'Ratio.' }),
  verbose: opt.boolean({ env: 'T_VERBOSE', description: 'Verbose.' }),
  mode: opt.enum(['fast', 'slow'], { env: 'T_MODE', description: 'Mode.' }),
  upstream: opt.url({ env: 'T_UPSTREAM', description: 'Upstream.' }),
  timeout: opt.duration({ env: 'T_TIMEOUT', description: 'Timeout.' }),
  port: opt.port({ env: 'SIM_PORT', description: 'Port.' }),
  host: opt.host({ env: 'T_HOST', description: 'Host.' }),
  listen: opt.listen({ env: 'T_LISTEN', description: 'Listen.' }),
  models: opt.list(valueTypes.string({ minLength: 1 }), {
    env: 'T_MODELS',
    minItems: 2,
    description: 'Models.',
  }),
  headers: opt.json({ env: 'T_HEADERS', description: 'Headers.' }),
  weights: opt.record(valueTypes.number(), { env: 'T_WEIGHTS', description: 'Weights.' }),
  limits: opt.zod(z.object({ rpm: z.number().int() }), {
    env: 'T_LIMITS',
    expected: 'an object {rpm}',
    description: 'Limits.',
  }),
  bind: opt.custom(valueTypes.listen(), { env: 'T_BIND', description: 'Bind.' }),
});

function issuesFor(env: Record<string, string>) {
  try {
    loadConfig(spec, { env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('a bad value of every option type', () => {
  it.each([
    ['name', 'T_NAME', 'ab'],
    ['apiKey', 'T_API_KEY', 'sk-9f3'],
    ['workers', 'T_WORKERS', 'four'],
    ['ratio', 'T_RATIO', '1.5'],
    ['verbose', 'T_VERBOSE', 'maybe'],
    ['mode', 'T_MODE', 'medium'],
    ['upstream', 'T_UPSTREAM', 'localhost:8000'],
    ['timeout', 'T_TIMEOUT', 'soon'],
    ['port', 'SIM_PORT', 'eighty'],
    ['host', 'T_HOST', 'not a host'],
    ['listen', 'T_LISTEN', 'localhost'],
    ['models', 'T_MODELS', 'only-one'],
    ['headers', 'T_HEADERS', '[1,2]'],
    ['weights', 'T_WEIGHTS', '{"a":"heavy"}'],
    ['limits', 'T_LIMITS', '{"rpm":"lots"}'],
    ['bind', 'T_BIND', ':http'],
  ])('%s from %s=%j gives exactly one issue naming key, source and expected form', (key, envVar, raw) => {
    const error = issuesFor({ [envVar]: raw });
    const expected = spec[key as keyof typeof spec].type.expected;
    expect(error.issues).toEqual([
      { key, source: 'env', sourceName: envVar, problem: expect.any(String), expected },
    ]);
    expect(error.message).toContain(`${envVar} (${key}): `);
    expect(error.message).toContain(`; expected ${expected}`);
  });

  it('words the issue as problem and expected form', () => {
    const error = issuesFor({ SIM_PORT: 'eighty' });
    expect(error.code).toBe('config_invalid');
    expect(error.message.split('\n')).toContain(
      '  SIM_PORT (port): "eighty" is not a whole number; expected an integer from 0 to 65535',
    );
  });

  it('never echoes a bad secret', () => {
    const error = issuesFor({ T_API_KEY: 'sk-9f3' });
    expect(error.message).not.toContain('sk-9f3');
    expect(JSON.stringify(error.issues)).not.toContain('sk-9f3');
    expect(error.issues[0]?.problem).toBe('*** is shorter than 8 characters');
  });
});
