import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineConfig } from './define-config.js';
import { loadConfig } from './load-config.js';
import type { ListenAddress } from './network-types.js';
import { opt } from './opt.js';
import type { Config } from './option.js';
import { valueTypes } from './value-types.js';

const spec = defineConfig({
  port: opt.port({ env: 'SIM_PORT', default: 8000, description: 'Port.' }),
  model: opt.string({ description: 'Model id.' }),
  apiKey: opt.secret({ required: true, description: 'Key.' }),
  mode: opt.enum(['fast', 'slow'], { default: 'fast', description: 'Mode.' }),
  level: opt.enum(['debug', 'info'], { description: 'Level.' }),
  tags: opt.list(valueTypes.string(), { default: [], description: 'Tags.' }),
  weights: opt.record(valueTypes.number(), { description: 'Weights.' }),
  listen: opt.listen({ default: { host: '0.0.0.0', port: 8080 }, description: 'Listen.' }),
  timeout: opt.duration({ default: 30_000, description: 'Timeout.' }),
  extra: opt.zod(z.object({ a: z.number() }), {
    expected: 'an object with a number a',
    description: 'Extra.',
  }),
});

describe('types inferred from the declarations', () => {
  const config = loadConfig(spec, { env: {}, flags: { apiKey: 'k' } });

  it('gives an option with a default its plain type', () => {
    expectTypeOf(config.port).toEqualTypeOf<number>();
    expectTypeOf(config.mode).toEqualTypeOf<'fast' | 'slow'>();
    expectTypeOf(config.tags).toEqualTypeOf<readonly string[]>();
    expectTypeOf(config.listen).toEqualTypeOf<ListenAddress>();
    expectTypeOf(config.timeout).toEqualTypeOf<number>();
  });

  it('gives a required option its plain type', () => {
    expectTypeOf(config.apiKey).toEqualTypeOf<string>();
  });

  it('adds undefined to an optional option without a default', () => {
    expectTypeOf(config.model).toEqualTypeOf<string | undefined>();
    expectTypeOf(config.level).toEqualTypeOf<'debug' | 'info' | undefined>();
    expectTypeOf(config.weights).toEqualTypeOf<Readonly<Record<string, number>> | undefined>();
    expectTypeOf(config.extra).toEqualTypeOf<{ a: number } | undefined>();
  });

  it('makes the whole config readonly, in types as at runtime', () => {
    expectTypeOf(config).toEqualTypeOf<Config<typeof spec>>();
    expect(() => {
      // @ts-expect-error -- a loaded config cannot be assigned to
      config.port = 1;
    }).toThrow(TypeError);
  });

  it('rejects defaults of the wrong type and misspelt settings at compile time', () => {
    // @ts-expect-error -- a port default must be a number
    opt.port({ default: '8000', description: 'Port.' });
    // @ts-expect-error -- `defualt` is not a setting
    opt.port({ defualt: 8000, description: 'Port.' });
    // @ts-expect-error -- the default must be one of the choices
    opt.enum(['fast', 'slow'], { default: 'medium', description: 'Mode.' });
  });
});
