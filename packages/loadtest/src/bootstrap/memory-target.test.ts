import { describe, it } from 'vitest';
import { MemoryBootstrapTarget } from './memory-target.js';
import { TARGET_CONFORMANCE_CASES } from './target-conformance.js';

describe('BootstrapTarget conformance: memory', () => {
  let n = 0;
  for (const c of TARGET_CONFORMANCE_CASES) {
    it(c.name, () => c.run(new MemoryBootstrapTarget(), { prefix: `mem-${String(++n)}`, secrets: [] }));
  }
});
