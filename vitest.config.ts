import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));
const alias = {
  '@llmops/core': src('core'),
  '@llmops/sim': src('sim'),
  '@llmops/proxy': src('proxy'),
  '@llmops/loadtest': src('loadtest'),
};
const everywhere = ['packages/*/src/**/', 'packages/*/test/**/', 'bench/**/'];

export default defineConfig({
  // Tests run against the TypeScript sources of sibling packages, so a test never depends on a stale build.
  resolve: { alias },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: everywhere.map((d) => `${d}*.test.ts`),
          exclude: ['**/node_modules/**', '**/dist/**', '**/*.timing.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Tests that compare clocks run alone, one file at a time, after the rest: on a 2-core machine a parallel
        // test file would be measured along with them.
        resolve: { alias },
        test: {
          name: 'timing',
          include: everywhere.map((d) => `${d}*.timing.test.ts`),
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
