import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import type { ConfigIssue } from './config-error.js';
import { defineConfig } from './define-config.js';
import { loadConfig } from './load-config.js';
import type { ConfigSources } from './load-config.js';
import { opt } from './opt.js';
import type { ConfigSpec } from './option.js';
import { valueTypes } from './value-types.js';

const spec = defineConfig({
  port: opt.port({ env: 'SIM_PORT', default: 8000, description: 'Port to listen on.' }),
  host: opt.host({ env: 'SIM_HOST', default: '127.0.0.1', description: 'Interface to listen on.' }),
  maxNumSeqs: opt.int({
    env: 'SIM_MAX_NUM_SEQS',
    default: 256,
    min: 1,
    description: 'Concurrent sequences.',
  }),
  timeout: opt.duration({ env: 'SIM_TIMEOUT', default: 30_000, description: 'Request timeout.' }),
  verbose: opt.boolean({ env: 'SIM_VERBOSE', default: false, description: 'Log every request.' }),
  model: opt.string({ env: 'SIM_MODEL', description: 'Model to serve.' }),
  models: opt.list(valueTypes.string(), { env: 'SIM_MODELS', default: ['a'], description: 'Models.' }),
  listen: opt.listen({
    flag: '--listen-addr',
    default: { host: '0.0.0.0', port: 9000 },
    description: 'Metrics.',
  }),
  'faults.rate429': opt.number({
    env: 'SIM_RATE_429',
    default: 0,
    min: 0,
    max: 1,
    description: 'Share of 429s.',
  }),
});

function load(sources: ConfigSources, of: ConfigSpec = spec) {
  return loadConfig(of, { env: {}, ...sources });
}

function issuesOf(sources: ConfigSources, of: ConfigSpec = spec): readonly ConfigIssue[] {
  try {
    load(sources, of);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig precedence: flags > env > file > default', () => {
  const file = { port: 3000, host: 'file.local', maxNumSeqs: 8 };
  const env = { SIM_PORT: '4000', SIM_HOST: 'env.local' };
  const flags = { port: '5000' };

  it('uses the default when nothing is given', () => {
    expect(load({}).port).toBe(8000);
  });

  it('lets the file override the default', () => {
    expect(load({ file }).maxNumSeqs).toBe(8);
  });

  it('lets env override the file', () => {
    expect(load({ file, env }).host).toBe('env.local');
  });

  it('lets flags override everything', () => {
    const config = load({ file, env, flags });
    expect([config.port, config.host, config.maxNumSeqs, config.timeout]).toEqual([
      5000,
      'env.local',
      8,
      30_000,
    ]);
  });

  it('treats empty env strings as unset', () => {
    expect(load({ env: { SIM_PORT: '' }, file }).port).toBe(3000);
  });

  it('leaves optional options without a default undefined', () => {
    expect(load({}).model).toBeUndefined();
  });

  it('parses env and string flags as text, and commander booleans and arrays as values', () => {
    const config = load({ env: { SIM_MODELS: 'x, y' }, flags: { verbose: true, timeout: '1h30m' } });
    expect(config.models).toEqual(['x', 'y']);
    expect(config.verbose).toBe(true);
    expect(config.timeout).toBe(5_400_000);
    expect(load({ flags: { models: ['p', 'q'] } }).models).toEqual(['p', 'q']);
  });

  it("accepts flags under commander's key for a custom flag name", () => {
    expect(load({ flags: { listenAddr: '[::1]:7000' } }).listen).toEqual({ host: '::1', port: 7000 });
    expect(load({ flags: { listen: ':7001' } }).listen).toEqual({ host: '0.0.0.0', port: 7001 });
  });

  it('reads dotted option names from nested or dotted file keys', () => {
    expect(load({ file: { faults: { rate429: 0.5 } } })['faults.rate429']).toBe(0.5);
    expect(load({ file: { 'faults.rate429': 0.25 } })['faults.rate429']).toBe(0.25);
  });

  it('lets a null file value fall back to the default', () => {
    expect(load({ file: { port: null } }).port).toBe(8000);
  });
});

describe('the loaded config is frozen', () => {
  it('throws on assignment, including inside lists and nested objects', () => {
    const config = load({}) as Record<string, unknown>;
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      config.port = 1;
    }).toThrow(TypeError);
    expect(() => (config.models as string[]).push('b')).toThrow(TypeError);
    expect(() => {
      (config.listen as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('freezes objects that came from a file', () => {
    const json = defineConfig({ headers: opt.json({ description: 'Headers.' }) });
    const config = load({ file: { headers: { a: { b: [1] } } } }, json);
    expect(Object.isFrozen((config.headers as { a: { b: number[] } }).a.b)).toBe(true);
  });
});

describe('all problems are reported at once', () => {
  it('collects bad values from env, file and flags into one ConfigError', () => {
    const issues = issuesOf({
      env: { SIM_PORT: 'eighty', SIM_TIMEOUT: 'soon' },
      file: { maxNumSeqs: 0, host: 'bad host' },
      fileName: 'sim.yaml',
      flags: { verbose: 'sometimes' },
    });
    expect(issues.map((issue) => [issue.key, issue.source, issue.sourceName])).toEqual([
      ['port', 'env', 'SIM_PORT'],
      ['host', 'file', 'sim.yaml: host'],
      ['maxNumSeqs', 'file', 'sim.yaml: maxNumSeqs'],
      ['timeout', 'env', 'SIM_TIMEOUT'],
      ['verbose', 'flag', '--verbose'],
    ]);
  });

  it('lists every issue on its own line of the message', () => {
    try {
      load({ env: { SIM_PORT: 'eighty' }, flags: { maxNumSeqs: '-1' } });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        [
          'Invalid configuration (2 problems):',
          '  SIM_PORT (port): "eighty" is not a whole number; expected an integer from 0 to 65535',
          '  --max-num-seqs (maxNumSeqs): -1 is less than 1; expected an integer of at least 1',
        ].join('\n'),
      );
    }
  });

  it('checks a value even when a higher source overrides it', () => {
    const issues = issuesOf({ env: { SIM_PORT: 'eighty' }, flags: { port: '5000' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.sourceName).toBe('SIM_PORT');
  });

  it('reports unknown file keys with a suggestion', () => {
    const issues = issuesOf({
      file: { prot: 80, max_num_seqs: 4, faults: { rate430: 1 }, zzz: 1 },
      fileName: 'sim.yaml',
    });
    expect(issues.map((issue) => [issue.sourceName, issue.problem])).toEqual([
      ['sim.yaml: prot', 'unknown option (did you mean "port"?)'],
      ['sim.yaml: max_num_seqs', 'unknown option (did you mean "maxNumSeqs"?)'],
      ['sim.yaml: faults.rate430', 'unknown option (did you mean "faults.rate429"?)'],
      ['sim.yaml: zzz', 'unknown option'],
    ]);
    expect(issues[0]?.expected).toContain('port, host, maxNumSeqs');
  });

  it('reports unknown flags keys with a suggestion', () => {
    const issues = issuesOf({ flags: { verbos: true } });
    expect(issues).toEqual([
      {
        key: 'verbos',
        source: 'flag',
        sourceName: '--verbos',
        problem: 'unknown option (did you mean "verbose"?)',
        expected: 'an option of this command (see --help)',
      },
    ]);
  });

  it('reports a missing required option, saying where it can be set', () => {
    const withKey = defineConfig({
      apiKey: opt.secret({ env: 'API_KEY', required: true, description: 'Key.' }),
    });
    expect(issuesOf({}, withKey)).toEqual([
      {
        key: 'apiKey',
        source: 'default',
        sourceName: 'default',
        problem: 'required but not set (use --api-key, API_KEY, "apiKey" in the config file)',
        expected: 'a secret string',
      },
    ]);
    expect(load({ env: { API_KEY: 'k' } }, withKey).apiKey).toBe('k');
  });
});
