import { describe, expect, it } from 'vitest';
import { defineConfig } from './define-config.js';
import { kebabCase } from './names.js';
import { opt } from './opt.js';

describe('defineConfig', () => {
  it('returns the spec frozen', () => {
    const spec = defineConfig({ port: opt.port({ default: 1, description: 'Port.' }) });
    expect(Object.isFrozen(spec)).toBe(true);
  });

  it('rejects declaration mistakes all at once, at definition time', () => {
    expect(() =>
      defineConfig({
        port: opt.port({ env: 'PORT', description: 'Port.' }),
        otherPort: opt.port({ env: 'PORT', flag: '--port', description: 'Other port.' }),
        'Bad-Name': opt.string({ description: 'Bad.' }),
        faults: opt.number({ description: 'Both an option…' }),
        'faults.rate429': opt.number({ description: '…and a group.' }),
        quiet: opt.boolean({ description: ' ' }),
      }),
    ).toThrow(
      [
        'Invalid config spec:',
        '  PORT is used by both "port" and "otherPort"',
        '  --port is used by both "port" and "otherPort"',
        '  "Bad-Name" is not a camelCase option name (dots allowed for nesting)',
        '  "faults" is both an option and the group of "faults.rate429"',
        '  "quiet" has no description',
      ].join('\n'),
    );
  });
});

describe('kebabCase, which derives flags from names', () => {
  it.each([
    ['port', 'port'],
    ['maxNumSeqs', 'max-num-seqs'],
    ['apiURL', 'api-url'],
    ['faults.rate429', 'faults-rate429'],
  ])('%s → %s', (name, flag) => {
    expect(kebabCase(name)).toBe(flag);
  });
});
