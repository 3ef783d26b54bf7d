import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '@llmops/loadtest';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../../examples/scenarios/', import.meta.url));

describe('the example scenarios in examples/scenarios', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s validates', async (f) => {
    const s = await loadScenarioFile(dir + f);
    expect(s.metadata.name).toBe(f.replace(/\.yaml$/, ''));
  });
});
