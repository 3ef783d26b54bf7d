import { describe, expect, it } from 'vitest';
import { defineConfig } from './define-config.js';
import { describeConfig } from './describe-config.js';
import { loadConfig } from './load-config.js';
import { configTableMarkdown } from './markdown-table.js';
import { opt } from './opt.js';
import { specOptions } from './spec-options.js';
import { valueTypes } from './value-types.js';

const spec = defineConfig({
  port: opt.port({ env: 'SIM_PORT', default: 8000, description: 'TCP port to listen on.' }),
  maxNumSeqs: opt.int({ env: 'SIM_MAX_NUM_SEQS', default: 256, min: 1, description: 'Concurrent sequences' }),
  timeout: opt.duration({ default: 5_400_000, description: 'Request timeout.' }),
  listen: opt.listen({
    flag: 'metrics-listen',
    default: { host: '::1', port: 9464 },
    description: 'Metrics.',
  }),
  verbose: opt.boolean({ default: false, description: 'Log every request.' }),
  apiKey: opt.secret({ env: 'SIM_API_KEY', required: true, description: 'Bearer | key.' }),
  internal: opt.string({ flag: false, description: 'Not on the command line.' }),
  tags: opt.list(valueTypes.string(), { default: ['a', 'b'], description: 'Tags.' }),
});

describe('configTableMarkdown', () => {
  const table = configTableMarkdown(spec, { title: 'llmops sim llm' });
  const lines = table.trimEnd().split('\n');

  it('renders a titled table with one row per option', () => {
    expect(lines.slice(0, 4)).toEqual([
      '### llmops sim llm',
      '',
      '| option | env | flag | default | description |',
      '| --- | --- | --- | --- | --- |',
    ]);
    expect(lines).toHaveLength(4 + Object.keys(spec).length);
  });

  it('shows env, flag, formatted default and the expected form', () => {
    expect(lines).toContain(
      '| `port` | `SIM_PORT` | `--port` | `8000` | TCP port to listen on. Expected: an integer from 0 to 65535. |',
    );
    expect(lines).toContain(
      '| `maxNumSeqs` | `SIM_MAX_NUM_SEQS` | `--max-num-seqs` | `256` | Concurrent sequences. Expected: an integer of at least 1. |',
    );
    expect(table).toContain('| `timeout` | — | `--timeout` | `1h30m` |');
    expect(table).toContain('| `listen` | — | `--metrics-listen` | `[::1]:9464` |');
    expect(table).toContain('| `internal` | — | — | — |');
  });

  it('marks required options and escapes pipes', () => {
    expect(table).toContain(
      '| `apiKey` | `SIM_API_KEY` | `--api-key` | *required* | Bearer \\| key. Expected:',
    );
  });

  it('masks secret defaults', () => {
    const withDefault = defineConfig({
      token: opt.secret({ default: 'sk-default-1234', description: 'Token.' }),
    });
    const text = configTableMarkdown(withDefault);
    expect(text).toContain('| `token` | — | `--token` | `***` |');
    expect(text).not.toContain('sk-default-1234');
  });
});

describe('specOptions', () => {
  const options = specOptions(spec);
  const byName = new Map(options.map((option) => [option.name, option]));

  it('lists every declaration in order', () => {
    expect(options.map((option) => option.name)).toEqual(Object.keys(spec));
  });

  it('gives the CLI what it needs to declare commander options', () => {
    expect(byName.get('maxNumSeqs')).toMatchObject({
      env: 'SIM_MAX_NUM_SEQS',
      flag: '--max-num-seqs',
      flagKey: 'maxNumSeqs',
      flagSyntax: '--max-num-seqs <int>',
      expected: 'an integer of at least 1',
      default: 256,
      defaultText: '256',
      booleanFlag: false,
      required: false,
    });
    expect(byName.get('verbose')).toMatchObject({ flagSyntax: '--verbose', booleanFlag: true });
    expect(byName.get('listen')).toMatchObject({ flag: '--metrics-listen', flagKey: 'metricsListen' });
    expect(byName.get('internal')).toMatchObject({ flag: undefined, flagSyntax: undefined });
    expect(byName.get('apiKey')).toMatchObject({ secret: true, required: true, defaultText: undefined });
  });
});

describe('describeConfig', () => {
  it('returns the values with secrets masked', () => {
    const config = loadConfig(spec, { env: { SIM_API_KEY: 'sk-live-abcdef' } });
    const described = describeConfig(spec, config);
    expect(described).toMatchObject({ port: 8000, apiKey: '***', tags: ['a', 'b'], internal: undefined });
    expect(JSON.stringify(described)).not.toContain('sk-live-abcdef');
  });
});
