import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compatPath } from '../../../../test-support/compat.js';
import { applyOverrides, loadScenarioFile, parseScenarioText, readScenarioText } from './load-scenario.js';
import { ScenarioError } from './scenario-error.js';

const fixture = (name: string): string => compatPath(`loadtest-scenarios/${name}`);

/** The ScenarioError a call throws. */
function scenarioError(call: () => unknown): ScenarioError {
  try {
    call();
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

/** The documentation's full example, written in the style of the original's contract docs. */
const DOCUMENTATION_EXAMPLE = `
apiVersion: loadtest.ai-aas.dev/v1
kind: LoadTestScenario
metadata:
  name: realistic-docs-example
  namespace: load-testing
  testRunId: "test-20250127-example"
spec:
  organizations: { count: 3, namingPattern: "loadtest-org-{index}", distribution: even }
  users:
    perOrg: { min: 10, max: 20, distribution: random }
    namingPattern: "user-{org}-{index}"
  apiKeys: { perUser: 2 }
  userBehavior:
    questionsPerSession: { min: 10, max: 50, distribution: gaussian }
    thinkTimeSeconds: { base: 5, variance: 2, distribution: uniform, min: 0.5, max: 30 }
    questionStrategies:
      - { name: mixed, weight: 50 }
      - { name: technical, weight: 30 }
      - { name: historical, weight: 20 }
    sessionDuration: { min: "5m", max: "60m", distribution: gaussian }
    modelPreferences:
      - { model: gpt-4o, weight: 70 }
      - { model: gpt-3.5-turbo, weight: 30 }
    maxTokensPerRequest: { base: 100, variance: 50, distribution: gaussian, min: 20, max: 500 }
    temperature: { base: 0.7, variance: 0.2, distribution: uniform, min: 0.1, max: 1.0 }
  loadPattern:
    type: ramp-up
    phases:
      - { name: warm-up, duration: "2m", targetActiveUsers: 10 }
      - { name: ramp-up, duration: "10m", targetActiveUsers: 60, rampStrategy: linear }
      - { name: sustained-load, duration: "30m", targetActiveUsers: 60 }
  workers:
    replicas: 3
    usersPerWorker: 20
    resources:
      requests: { cpu: "500m", memory: "512Mi" }
      limits: { cpu: "1000m", memory: "1Gi" }
  targets:
    apiRouterUrl: "http://api-router-service.development.svc.cluster.local:8080"
    userOrgUrl: "http://user-org-service.development.svc.cluster.local:8081"
  metrics:
    pushgatewayUrl: "http://prometheus-pushgateway.observability.svc.cluster.local:9091"
    prometheusUrl: "http://prometheus.observability.svc.cluster.local:9090"
    exportInterval: "10s"
    capture: [latency_percentiles, token_usage, cost_per_user, error_rate, concurrent_users, questions_per_second]
  limits: { maxCostUsd: 50.00, maxErrorRate: 0.10, maxDuration: "2h" }
  cleanup: { onCompletion: true, retainMetrics: true, exportResultsTo: "s3://loadtest-results/{testRunId}/" }
  advanced:
    debug: false
    dryRun: false
    chaos: { enabled: false, failureRate: 0.05, networkLatency: { base: 100ms, variance: 50ms } }
`;

describe('loading scenario files', () => {
  it('reads smoke-test.yaml with its values normalised', async () => {
    const scenario = await loadScenarioFile(fixture('smoke-test.yaml'));
    expect(scenario.metadata).toEqual({
      name: 'smoke-test',
      namespace: 'load-testing',
      labels: { 'test-type': 'smoke', priority: 'high' },
      annotations: { description: 'Minimal smoke test with 1 org and 5 users' },
    });
    const { spec } = scenario;
    expect(spec.organizations).toMatchObject({
      count: 1,
      namePrefix: 'smoke-test-org',
      budget: { limitUSD: 10, dailyUSD: 5, warnAtUSD: 8, enableAlerts: false },
    });
    expect(spec.users).toMatchObject({
      perOrg: { min: 5, max: 5 },
      namePrefix: 'smoke-test-user',
      apiKeys: { perUser: 1, namePrefix: 'smoke-test-key', expiryDays: 1 },
    });
    expect(spec.userBehavior.thinkTimeSeconds).toEqual({
      base: 5,
      variance: 2,
      distribution: 'uniform',
      min: 1,
      max: 10,
    });
    expect(spec.userBehavior.questionsPerSession).toEqual({ min: 3, max: 5 });
    expect(spec.userBehavior.errorHandling).toEqual({
      retryAttempts: 3,
      retryBackoffMs: 1000,
      ignoreErrorCodes: [429],
      stopOnErrors: 10,
    });
    expect(spec.targets).toEqual({
      apiRouterUrl: 'http://localhost:8080',
      userOrgUrl: 'http://localhost:8081',
      tlsVerify: false,
      timeout: 30,
      bootstrapApi: 'llmops',
      chatPath: '/v1/chat/completions',
    });
    expect(spec.limits).toEqual({
      maxCostUSD: 5,
      maxRequests: 100,
      maxDurationSec: 300,
      maxErrorRate: 0.1,
      maxConcurrentReqs: 10,
    });
    expect(spec.testTypes).toEqual([]);
    expect(spec.load).toEqual({ mode: 'users' });
  });

  it('reads single-org-50-users.yaml with its test types, scenario mix and session duration', async () => {
    const { spec } = await loadScenarioFile(fixture('single-org-50-users.yaml'));
    expect(spec.userBehavior.thinkTimeSeconds).toMatchObject({ distribution: 'gaussian', min: 2, max: 30 });
    expect(spec.userBehavior.sessionDuration).toEqual({ min: 300, max: 600 });
    expect(spec.userBehavior.conversationStyle.multiTurnProbability).toBe(0.5);
    expect(spec.scenarioMix?.scenarios.map((s) => s.weight)).toEqual([75, 25]);
    expect(
      spec.testTypes.map(({ name, weight, questionStrategy, cacheBehavior, streamingResponse }) => ({
        name,
        weight,
        questionStrategy,
        cacheBehavior,
        streamingResponse,
      })),
    ).toEqual([
      {
        name: 'random_short',
        weight: 60,
        questionStrategy: 'mixed',
        cacheBehavior: 'avoid',
        streamingResponse: true,
      },
      {
        name: 'long_document',
        weight: 30,
        questionStrategy: 'technical',
        cacheBehavior: 'mixed',
        streamingResponse: true,
      },
      {
        name: 'cached',
        weight: 10,
        questionStrategy: 'historical',
        cacheBehavior: 'prefer',
        streamingResponse: false,
      },
    ]);
    expect(spec.testTypes[0]?.modelTargeting).toEqual({
      slmModels: ['gpt-3.5-turbo'],
      mediumModels: ['gpt-4o'],
      rules: [{ condition: 'query_length < 100', targetType: 'slm' }],
    });
    expect(spec.testTypes[1]?.documentLibrary).toEqual({
      enabled: true,
      bucketName: 'load-test-documents',
      documentPaths: ['technical/', 'manuals/'],
      sampleSize: 10,
    });
    expect(spec.testTypes[2]?.cacheSalt).toBe('test-salt-123');
    expect(spec.limits).toMatchObject({ maxCostUSD: 100, maxRequests: 0, maxDurationSec: 3600 });
  });

  it('reads the scenario out of the ConfigMap and says which data key held it', async () => {
    const path = fixture('configmap-smoke-test.yaml');
    const { scenario, origin } = readScenarioText(await readFile(path, 'utf8'), 'configmap-smoke-test.yaml');
    expect(origin).toBe(
      'configmap-smoke-test.yaml: ConfigMap "load-test-config-smoke", data key "load-test-config.yaml"',
    );
    const plain = await loadScenarioFile(fixture('smoke-test.yaml'));
    expect(scenario.metadata).toEqual(plain.metadata);
    expect({ ...scenario.spec, targets: undefined }).toEqual({ ...plain.spec, targets: undefined });
    expect(scenario.spec.targets.apiRouterUrl).toBe(
      'http://api-router-service.default.svc.cluster.local:8080',
    );
    expect((await loadScenarioFile(path)).metadata.name).toBe('smoke-test');
  });

  it('reads the documentation example with duration strings and the docs spellings', () => {
    const { metadata, spec } = parseScenarioText(DOCUMENTATION_EXAMPLE, 'docs.yaml');
    expect(metadata.testRunId).toBe('test-20250127-example');
    expect(spec.limits).toMatchObject({ maxCostUSD: 50, maxDurationSec: 7200, maxErrorRate: 0.1 });
    expect(spec.userBehavior.sessionDuration).toEqual({ min: 300, max: 3600, distribution: 'gaussian' });
    expect(spec.metrics?.exportInterval).toBe(10);
    expect(spec.loadPattern?.phases.map((phase) => phase.duration)).toEqual([120, 600, 1800]);
    expect(spec.users.apiKeys.perUser).toBe(2);
    expect(spec.userBehavior.thinkTimeSeconds.min).toBe(0.5);
    expect(spec.userBehavior.maxTokensPerRequest).toEqual({
      base: 100,
      variance: 50,
      distribution: 'gaussian',
      min: 20,
      max: 500,
    });
    expect(spec.advanced?.chaos?.networkLatency).toEqual({ base: 0.1, variance: 0.05 });
    expect(spec.workers?.resources?.limits).toEqual({ cpu: '1000m', memory: '1Gi' });
  });

  it('reads JSON too', () => {
    const json = JSON.stringify({
      apiVersion: 'loadtest.ai-aas.dev/v1',
      kind: 'LoadTestScenario',
      metadata: { name: 'json' },
      spec: {
        organizations: { count: 1 },
        users: { perOrg: { min: 1, max: 1 } },
        userBehavior: { thinkTimeSeconds: { base: 1, variance: 0 } },
        targets: { apiRouterUrl: 'http://127.0.0.1:4000', bootstrapApi: 'none' },
      },
    });
    expect(parseScenarioText(json, 'scenario.json').metadata.name).toBe('json');
  });

  it('merges YAML merge keys (<<: *anchor), as the original Go loader (yaml.v3) does', () => {
    const text = [
      'apiVersion: loadtest.ai-aas.dev/v1',
      'kind: LoadTestScenario',
      'metadata: { name: merged }',
      'spec:',
      '  organizations: { count: 2 }',
      '  users: { perOrg: &ten { min: 10, max: 10 } }',
      '  userBehavior:',
      '    thinkTimeSeconds: { base: 5, variance: 2 }',
      '    questionsPerSession: { <<: *ten, max: 12 }',
      '  targets: { apiRouterUrl: "http://127.0.0.1:4000", bootstrapApi: none }',
      '  testTypes:',
      '    - &short { name: a, weight: 50, questionStrategy: technical, streamingResponse: true }',
      '    - { <<: *short, name: b }',
    ].join('\n');
    const { spec } = parseScenarioText(text, 'merge.yaml');
    expect(spec.userBehavior.questionsPerSession).toEqual({ min: 10, max: 12 });
    expect(spec.testTypes[1]).toMatchObject({ name: 'b', weight: 50, questionStrategy: 'technical' });
  });

  it('reads yes/no/on/off as booleans in boolean fields, as yaml.v3 does for a Go bool', () => {
    const text = [
      'apiVersion: loadtest.ai-aas.dev/v1',
      'kind: LoadTestScenario',
      'metadata: { name: yes-no }',
      'spec:',
      '  organizations: { count: 1, budget: { limitUSD: 5, enableAlerts: on } }',
      '  users: { perOrg: { min: 1, max: 1 } }',
      '  userBehavior:',
      '    thinkTimeSeconds: { base: 5, variance: 2 }',
      '    conversationStyle: { contextRetention: No }',
      '  targets: { apiRouterUrl: "http://127.0.0.1:4000", bootstrapApi: none, tlsVerify: no }',
      '  testTypes: [{ name: a, weight: 100, streamingResponse: yes, continuousLoop: OFF }]',
      '  cleanup: { onCompletion: n }',
    ].join('\n');
    const { spec } = parseScenarioText(text, 'yes-no.yaml');
    expect(spec.organizations.budget?.enableAlerts).toBe(true);
    expect(spec.userBehavior.conversationStyle.contextRetention).toBe(false);
    expect(spec.targets.tlsVerify).toBe(false);
    expect(spec.testTypes[0]).toMatchObject({ streamingResponse: true, continuousLoop: false });
    expect(spec.cleanup?.onCompletion).toBe(false);
    const bad = text.replace('tlsVerify: no', 'tlsVerify: maybe');
    expect(scenarioError(() => parseScenarioText(bad, 'bad.yaml')).issues).toEqual([
      expect.objectContaining({
        path: 'spec.targets.tlsVerify',
        message: 'expected true or false, got "maybe"',
      }),
    ]);
  });

  it('merges YAML merge keys inside a ConfigMap too', () => {
    const scenario = [
      'apiVersion: loadtest.ai-aas.dev/v1',
      'kind: LoadTestScenario',
      'metadata: { name: merged }',
      'spec:',
      '  organizations: { count: 1 }',
      '  users: { perOrg: &five { min: 5, max: 5 } }',
      '  userBehavior: { thinkTimeSeconds: { base: 5, variance: 2 }, questionsPerSession: { <<: *five } }',
      '  targets: { apiRouterUrl: "http://127.0.0.1:4000", bootstrapApi: none }',
    ]
      .map((line) => `    ${line}`)
      .join('\n');
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }\ndata:\n  s.yaml: |\n${scenario}\n`;
    expect(parseScenarioText(text, 'cm.yaml').spec.userBehavior.questionsPerSession).toEqual({
      min: 5,
      max: 5,
    });
  });

  describe('multi-document files', () => {
    const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: load-testing }\n';
    const smoke = async (): Promise<string> => readFile(fixture('smoke-test.yaml'), 'utf8');

    it('picks the one LoadTestScenario document', async () => {
      const { scenario, origin } = readScenarioText(`${namespace}---\n${await smoke()}`, 'all.yaml');
      expect(scenario.metadata.name).toBe('smoke-test');
      expect(origin).toBe('all.yaml document 2 (LoadTestScenario "smoke-test")');
    });

    it('picks a ConfigMap holding the scenario among other documents', async () => {
      const text = `${namespace}---\n${await readFile(fixture('configmap-smoke-test.yaml'), 'utf8')}`;
      expect(readScenarioText(text, 'k8s.yaml').origin).toBe(
        'k8s.yaml: ConfigMap "load-test-config-smoke", data key "load-test-config.yaml"',
      );
    });

    it('fails when no document is a scenario', () => {
      expect(
        scenarioError(() => parseScenarioText(`${namespace}---\n${namespace}`, 'ns.yaml')).message,
      ).toContain(
        'ns.yaml: none of its 2 documents is a LoadTestScenario: document 1 (Namespace "load-testing"), document 2 (Namespace "load-testing")',
      );
    });

    it('fails when two documents are scenarios', async () => {
      const text = `${await smoke()}---\n${DOCUMENTATION_EXAMPLE}`;
      expect(scenarioError(() => parseScenarioText(text, 'two.yaml')).issues[0]?.message).toBe(
        '2 of its documents hold a LoadTestScenario: document 1 (LoadTestScenario "smoke-test"), document 2 (LoadTestScenario "realistic-docs-example"); keep one',
      );
    });

    it('fails on an empty file', () => {
      expect(scenarioError(() => parseScenarioText('# nothing\n', 'empty.yaml')).issues[0]?.message).toBe(
        'contains no YAML document; expected a LoadTestScenario',
      );
    });
  });

  describe('ConfigMaps', () => {
    const configMap = (data: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n${data}`;

    it('takes the only data key that holds a scenario when load-test-config.yaml is absent', async () => {
      const scenario = (await readFile(fixture('smoke-test.yaml'), 'utf8')).replace(/^/gm, '    ');
      const text = configMap(`  README: "not a scenario"\n  smoke.yaml: |\n${scenario}`);
      const { origin, scenario: parsed } = readScenarioText(text, 'cm.yaml');
      expect(origin).toBe('cm.yaml: ConfigMap "cm", data key "smoke.yaml"');
      expect(parsed.metadata.name).toBe('smoke-test');
    });

    it('fails when no data key holds a scenario, listing the keys', () => {
      const error = scenarioError(() =>
        parseScenarioText(configMap('  a.txt: hello\n  b.json: "{}"\n'), 'cm.yaml'),
      );
      expect(error.message).toContain(
        'cm.yaml:5:1: ConfigMap "cm" holds no LoadTestScenario: expected data key "load-test-config.yaml", and its data keys are "a.txt", "b.json"',
      );
    });

    it('reports problems inside the ConfigMap at the line and column of the file', async () => {
      const text = (await readFile(fixture('configmap-smoke-test.yaml'), 'utf8')).replace(
        'timeout: 30',
        'timeout: soon',
      );
      const error = scenarioError(() => parseScenarioText(text, 'cm.yaml'));
      const line = text.split('\n').findIndex((l) => l.includes('timeout: soon')) + 1;
      expect(error.issues).toEqual([
        expect.objectContaining({ path: 'spec.targets.timeout', line, column: 9 }),
      ]);
      expect(error.message.split('\n')[0]).toBe(
        'Invalid LoadTestScenario in cm.yaml: ConfigMap "load-test-config-smoke", data key "load-test-config.yaml" (1 problem):',
      );
    });
  });

  describe('errors', () => {
    it('reports YAML syntax errors with line and column', () => {
      const error = scenarioError(() =>
        parseScenarioText('apiVersion: v1\nkind: [LoadTestScenario\nspec: {}\n', 'broken.yaml'),
      );
      expect(error.issues[0]).toMatchObject({ path: '', line: 3 });
      expect(error.issues[0]?.message).toMatch(/^YAML syntax error: /);
      expect(error.message).toMatch(/broken\.yaml:3:\d+: YAML syntax error/);
    });

    it('reports each validation problem at its own line', async () => {
      const text = (await readFile(fixture('smoke-test.yaml'), 'utf8'))
        .replace('userBehavior:', 'userBehaviour:')
        .replace('maxErrorRate: 0.1', 'maxErrorRate: 10');
      const error = scenarioError(() => parseScenarioText(text, 'smoke.yaml'));
      const lines = text.split('\n');
      const lineOf = (needle: string): number => lines.findIndex((l) => l.includes(needle)) + 1;
      expect(error.issues).toEqual([
        { path: 'spec.userBehavior', message: 'is required', line: lineOf('spec:'), column: 1 },
        {
          path: 'spec.limits.maxErrorRate',
          message: 'must be ≤ 1, got 10',
          line: lineOf('maxErrorRate'),
          column: 5,
        },
        {
          path: 'spec.userBehaviour',
          message: 'unknown key (did you mean "userBehavior"?)',
          line: lineOf('userBehaviour:'),
          column: 3,
        },
      ]);
      expect(error.message).toContain(
        `smoke.yaml:${lineOf('userBehaviour:')}:3: spec.userBehaviour: unknown key`,
      );
    });

    it('reports a file that cannot be read', async () => {
      await expect(loadScenarioFile('/nonexistent/scenario.yaml')).rejects.toThrow(
        /cannot read the file \(ENOENT/,
      );
    });
  });
});

describe('applyOverrides', () => {
  it('points a scenario at another gateway without changing the original', async () => {
    const original = await loadScenarioFile(fixture('smoke-test.yaml'));
    const local = applyOverrides(original, {
      apiRouterUrl: 'http://127.0.0.1:4000/',
      bootstrapApi: 'none',
      apiKey: 'sk-local',
      userOrgUrl: undefined,
    });
    expect(local.spec.targets).toMatchObject({
      apiRouterUrl: 'http://127.0.0.1:4000',
      userOrgUrl: 'http://localhost:8081',
      bootstrapApi: 'none',
      apiKey: 'sk-local',
      timeout: 30,
    });
    expect(original.spec.targets.apiRouterUrl).toBe('http://localhost:8080');
    expect(local.spec.users).toBe(original.spec.users);
  });

  it('validates the overrides', async () => {
    const original = await loadScenarioFile(fixture('smoke-test.yaml'));
    const error = scenarioError(() => applyOverrides(original, { apiRouterUrl: 'localhost:4000' }));
    expect(error.issues).toEqual([
      { path: 'spec.targets.apiRouterUrl', message: 'expected an http(s) URL, got "localhost:4000"' },
    ]);
  });
});
