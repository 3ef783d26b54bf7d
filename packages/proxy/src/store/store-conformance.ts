import { describe } from 'vitest';
import { auditCases } from './conformance/audit-cases.js';
import type { OpenStore, StoreConformanceOptions } from './conformance/harness.js';
import { migrationCases } from './conformance/migration-cases.js';
import { projectCases } from './conformance/project-cases.js';
import { tokenCases } from './conformance/token-cases.js';
import { tokenUseCases } from './conformance/token-use-cases.js';

export type { OpenStore, OpenStorePair, StoreConformanceOptions } from './conformance/harness.js';

/**
 * The behaviour every Store must show, registered as vitest suites. Each dialect's test file calls this with an
 * opener that returns a Store on a fresh, empty, unmigrated database (each case owns its database and closes it).
 * Not a test file itself, and not exported from the package: it is imported by tests only.
 *
 * Cases a dialect cannot run are skipped under their own name with the reason (see `pairSkipReason`).
 */
export function describeStoreConformance(
  name: string,
  open: OpenStore,
  options: StoreConformanceOptions = {},
): void {
  describe(`Store conformance: ${name}`, () => {
    migrationCases(open);
    projectCases(open);
    tokenCases(open);
    tokenUseCases(open, options);
    auditCases(open);
  });
}
