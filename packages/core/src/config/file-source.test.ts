import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { defineConfig } from './define-config.js';
import { loadConfig } from './load-config.js';
import { opt } from './opt.js';
import { valueTypes } from './value-types.js';

const spec = defineConfig({
  port: opt.port({ env: 'SIM_PORT', default: 8000, description: 'Port.' }),
  timeout: opt.duration({ default: 30_000, description: 'Timeout.' }),
  models: opt.list(valueTypes.string(), { default: [], description: 'Models.' }),
  apiKey: opt.secret({ description: 'Key.' }),
  'faults.rate429': opt.number({ default: 0, min: 0, max: 1, description: 'Share of 429s.' }),
});

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmops-config-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config files', () => {
  it('loads YAML, with nested keys for dotted options', () => {
    const file = write('sim.yaml', 'port: 9000\ntimeout: 5m\nmodels: [a, b]\nfaults:\n  rate429: 0.1\n');
    const config = loadConfig(spec, { env: {}, file });
    expect(config).toMatchObject({ port: 9000, timeout: 300_000, models: ['a', 'b'], 'faults.rate429': 0.1 });
  });

  it('loads JSON', () => {
    const file = write('sim.json', JSON.stringify({ port: 9001, timeout: 90 }));
    expect(loadConfig(spec, { env: {}, file })).toMatchObject({ port: 9001, timeout: 90_000 });
  });

  it('treats an empty or comment-only YAML file as setting nothing', () => {
    const file = write('empty.yaml', '# nothing yet\n');
    expect(loadConfig(spec, { env: {}, file }).port).toBe(8000);
  });

  it('names the file and the key in issues about its values', () => {
    const file = write('bad.yaml', 'port: eighty\n');
    const error = errorOf(() => loadConfig(spec, { env: {}, file }));
    expect(error.issues).toMatchObject([{ key: 'port', source: 'file', sourceName: `${file}: port` }]);
    expect(error.message).toContain(`${file}: port: "eighty" is not a whole number; expected an integer`);
  });

  it('reports a missing file, naming the path, alongside other problems', () => {
    const file = join(dir, 'nope.yaml');
    const error = errorOf(() => loadConfig(spec, { env: { SIM_PORT: 'x' }, file }));
    expect(error.issues).toEqual([
      {
        key: '',
        source: 'file',
        sourceName: file,
        problem: 'file not found',
        expected: 'a readable YAML or JSON file',
      },
      expect.objectContaining({ key: 'port', sourceName: 'SIM_PORT' }),
    ]);
    expect(error.message).toContain(`${file}: file not found`);
  });

  it('reports a directory given as the file', () => {
    const error = errorOf(() => loadConfig(spec, { env: {}, file: dir }));
    expect(error.issues[0]?.problem).toBe('is a directory, not a file');
  });

  it('reports malformed YAML with its position but without quoting the file', () => {
    const file = write('broken.yaml', 'apiKey: sk-live-123: oops\n');
    const error = errorOf(() => loadConfig(spec, { env: {}, file }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.problem).toMatch(/^not valid YAML: .*line 1, column \d+$/);
    expect(error.message).not.toContain('sk-live-123');
  });

  it('reports malformed JSON with its position but without quoting the file', () => {
    const file = write('broken.json', '{\n  "apiKey": "sk-live-123",\n  "port": }\n');
    const error = errorOf(() => loadConfig(spec, { env: {}, file }));
    expect(error.issues[0]?.problem).toMatch(/^not valid JSON: /);
    expect(error.message).not.toContain('sk-live-123');
  });

  it('locates a JSON syntax error by line and column when the parser gives a position', () => {
    const file = write('comma.json', '{\n  "port": 1\n  "timeout": 2\n}\n');
    const error = errorOf(() => loadConfig(spec, { env: {}, file }));
    expect(error.issues[0]).toMatchObject({
      problem: "not valid JSON: Expected ',' or '}' after property value at line 3, column 3",
      expected: 'a valid JSON file',
    });
  });

  it('requires a mapping at the top level', () => {
    const file = write('list.yaml', '- port\n- 80\n');
    const error = errorOf(() => loadConfig(spec, { env: {}, file }));
    expect(error.issues).toMatchObject([
      { problem: 'top level is a list', expected: 'a mapping of option names to values' },
    ]);
  });

  it('treats a group whose keys are all commented out (`faults:` alone) as setting nothing', () => {
    const file = write('group-empty.yaml', 'port: 9000\nfaults:\n  # rate429: 0.5\n');
    const config = loadConfig(spec, { env: {}, file });
    expect(config).toMatchObject({ port: 9000, 'faults.rate429': 0 });
  });

  it('reports a group given a plain value as needing a mapping, not as an unknown option', () => {
    const error = errorOf(() => loadConfig(spec, { env: {}, file: { faults: 0.5 }, fileName: 'sim.yaml' }));
    expect(error.issues).toEqual([
      {
        key: 'faults',
        source: 'file',
        sourceName: 'sim.yaml: faults',
        problem: 'is a number, not a mapping of the faults.* options',
        expected: 'a mapping of its options (rate429)',
      },
    ]);
  });

  it('reports an option set both nested and dotted', () => {
    const error = errorOf(() =>
      loadConfig(spec, {
        env: {},
        file: { faults: { rate429: 0.1 }, 'faults.rate429': 0.2 },
        fileName: 'sim.yaml',
      }),
    );
    expect(error.issues).toMatchObject([{ sourceName: 'sim.yaml: faults.rate429', problem: 'set twice' }]);
  });
});
