import { describe, expect, it } from 'vitest';
import { inertFields } from './inert-fields.js';
import { loadScenarioFile, parseScenarioText } from './load-scenario.js';
import { compatPath } from '../../../../test-support/compat.js';

const base = [
  'apiVersion: loadtest.ai-aas.dev/v1',
  'kind: LoadTestScenario',
  'metadata: { name: inert }',
  'spec:',
  '  organizations: { count: 1 }',
  '  users: { perOrg: { min: 2, max: 2 } }',
  '  userBehavior: { thinkTimeSeconds: { base: 1, variance: 0 } }',
  '  targets: { apiRouterUrl: "http://127.0.0.1:9", bootstrapApi: none }',
];

describe('fields accepted but not acted on', () => {
  it('are none for a scenario that uses only what llmops runs', () => {
    expect(inertFields(parseScenarioText(base.join('\n'), 'inert.yaml'))).toEqual([]);
  });

  it('are named by path, defaults left out', () => {
    const s = parseScenarioText(
      [
        ...base.map((l) => l.replace('perOrg: { min: 2, max: 2 }', 'perOrg: { min: 2, max: 5 }')),
        '  metrics: { capture: [token_usage], exportInterval: 5s }',
        '  cleanup: { onCompletion: true, retainMetrics: false }',
        '  advanced: { chaos: { enabled: true, failureRate: 0.1 }, dryRun: false }',
        '  workers: { replicas: 2, usersPerWorker: 10 }',
      ].join('\n'),
      'inert.yaml',
    );
    expect(inertFields(s)).toEqual([
      'spec.users.perOrg.max',
      'spec.workers.usersPerWorker',
      'spec.metrics.capture',
      'spec.cleanup.retainMetrics',
      'spec.advanced.chaos',
    ]);
  });

  it('names the fields the original leaves unused too, and settings llmops does not apply', () => {
    const s = parseScenarioText(
      [
        'apiVersion: loadtest.ai-aas.dev/v1',
        'kind: LoadTestScenario',
        'metadata: { name: inert }',
        'spec:',
        '  organizations: { count: 1, customMetadata: { team: perf } }',
        '  users: { perOrg: { min: 2, max: 2 }, roles: [member], metadata: { tier: free } }',
        '  userBehavior:',
        '    thinkTimeSeconds: { base: 1, variance: 0 }',
        '    questionsPerSession: { min: 1, max: 9, distribution: gaussian }',
        '  targets: { apiRouterUrl: "https://127.0.0.1:9", bootstrapApi: none, tlsVerify: false }',
      ].join('\n'),
      'inert.yaml',
    );
    expect(inertFields(s)).toEqual([
      'spec.organizations.customMetadata',
      'spec.users.roles',
      'spec.users.metadata',
      'spec.userBehavior.questionsPerSession.distribution (always uniform)',
      'spec.targets.tlsVerify (certificates are always verified)',
    ]);
  });

  it("lists what the original's 50-user example sets but llmops does not run", async () => {
    const s = await loadScenarioFile(compatPath('loadtest-scenarios/single-org-50-users.yaml'));
    expect(inertFields(s)).toEqual([
      'spec.testTypes[1].documentLibrary (documents synthesized, not fetched)',
      'spec.scenarioMix',
    ]);
  });
});
