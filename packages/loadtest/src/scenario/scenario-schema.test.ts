import { describe, expect, it } from 'vitest';
import { ScenarioError } from './scenario-error.js';
import { newTestRunId, parseScenario, validateScenario } from './scenario-schema.js';

type Doc = Record<string, unknown>;

/** The smallest valid scenario, fresh for each test so that tests can change it freely. */
function minimal(): Doc {
  return {
    apiVersion: 'loadtest.ai-aas.dev/v1',
    kind: 'LoadTestScenario',
    metadata: { name: 'minimal' },
    spec: {
      organizations: { count: 1 },
      users: { perOrg: { min: 2, max: 3 } },
      userBehavior: { thinkTimeSeconds: { base: 5, variance: 2 } },
      targets: { apiRouterUrl: 'http://localhost:8080/', userOrgUrl: 'http://localhost:8081' },
    },
  };
}

/** `minimal()` with `edit` applied to its spec. */
function withSpec(edit: (spec: Doc) => void): Doc {
  const doc = minimal();
  edit(doc.spec as Doc);
  return doc;
}

function section(spec: Doc, key: string): Doc {
  return spec[key] as Doc;
}

/** Every problem as `path: message`. */
function problems(value: unknown): string[] {
  try {
    parseScenario(value);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.issues.map((issue) =>
      issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`,
    );
  }
  return [];
}

describe('LoadTestScenario schema', () => {
  describe('defaults', () => {
    it('fills in the contract defaults and the extensions', () => {
      const { spec, metadata } = parseScenario(minimal());
      expect(metadata).toEqual({ name: 'minimal' });
      expect(spec.targets).toEqual({
        apiRouterUrl: 'http://localhost:8080',
        userOrgUrl: 'http://localhost:8081',
        timeout: 60,
        tlsVerify: true,
        bootstrapApi: 'llmops',
        chatPath: '/v1/chat/completions',
      });
      expect(spec.userBehavior.thinkTimeSeconds).toEqual({
        base: 5,
        variance: 2,
        distribution: 'uniform',
        min: 1,
        max: 60,
      });
      expect(spec.userBehavior.conversationStyle).toEqual({ multiTurnProbability: 0 });
      expect(spec.users.namePrefix).toBe('loadtest-user');
      expect(spec.users.apiKeys).toEqual({ perUser: 1, namePrefix: 'loadtest-key', expiryDays: 0 });
      expect(spec.organizations).toEqual({ count: 1, distribution: 'even' });
      expect(spec.limits).toEqual({
        maxCostUSD: 0,
        maxRequests: 0,
        maxDurationSec: 0,
        maxErrorRate: 0,
        maxConcurrentReqs: 0,
      });
      expect(spec.testTypes).toEqual([]);
      expect(spec.load).toEqual({ mode: 'users' });
      expect(spec.userBehavior.questionsPerSession).toBeUndefined();
    });

    it('turns a think-time min or max of 0 into the defaults 1 and 60, like the original', () => {
      const doc = withSpec((spec) => {
        spec.userBehavior = { thinkTimeSeconds: { base: 5, variance: 2, min: 0, max: 0 } };
      });
      expect(parseScenario(doc).spec.userBehavior.thinkTimeSeconds).toMatchObject({ min: 1, max: 60 });
    });

    it('lets an unset think-time max follow a min above its 60 s default, instead of refusing a key never written', () => {
      const doc = withSpec((spec) => {
        spec.userBehavior = { thinkTimeSeconds: { base: 120, variance: 30, min: 90 } };
      });
      expect(parseScenario(doc).spec.userBehavior.thinkTimeSeconds).toMatchObject({ min: 90, max: 90 });
      const both = withSpec((spec) => {
        spec.userBehavior = { thinkTimeSeconds: { base: 120, variance: 30, min: 90, max: 30 } };
      });
      expect(problems(both)).toContain('spec.userBehavior.thinkTimeSeconds.max: must be ≥ min (90), got 30');
    });

    it('turns apiKeys.perUser 0 into 1 key and a targets.timeout of 0 into 60 s, like the original', () => {
      const doc = withSpec((spec) => {
        section(spec, 'users').apiKeys = { perUser: 0 };
        section(spec, 'targets').timeout = 0;
      });
      const { spec } = parseScenario(doc);
      expect(spec.users.apiKeys.perUser).toBe(1);
      expect(spec.targets.timeout).toBe(60);
      const docs = withSpec((spec) => {
        section(spec, 'users').apiKeys = { perUser: 0 };
        spec.apiKeys = { perUser: 3 };
      });
      expect(parseScenario(docs).spec.users.apiKeys.perUser).toBe(3);
    });

    it('takes a weight of 0 in lists summing to 100, which the original allows (a type switched off)', () => {
      const doc = withSpec((spec) => {
        spec.testTypes = [
          { name: 'on', weight: 100 },
          { name: 'off', weight: 0 },
        ];
        spec.scenarioMix = {
          scenarios: [
            { name: 'qa', weight: 100 },
            { name: 'docs', weight: 0 },
          ],
        };
      });
      const { spec } = parseScenario(doc);
      expect(spec.testTypes.map((t) => t.weight)).toEqual([100, 0]);
      expect(spec.scenarioMix?.scenarios.map((t) => t.weight)).toEqual([100, 0]);
    });

    it('fills in test type defaults', () => {
      const doc = withSpec((spec) => {
        spec.testTypes = [{ name: 'only', weight: 100 }];
      });
      expect(parseScenario(doc).spec.testTypes).toEqual([
        {
          name: 'only',
          weight: 100,
          questionStrategy: 'mixed',
          continuousLoop: false,
          streamingResponse: false,
        },
      ]);
    });
  });

  describe('numbers and durations', () => {
    it('accepts floats where the Go worker took only integers', () => {
      const doc = withSpec((spec) => {
        spec.userBehavior = { thinkTimeSeconds: { base: 0.5, variance: 0.25, min: 0.1, max: 1.5 } };
        spec.targets = { ...section(spec, 'targets'), timeout: 2.5 };
      });
      const { spec } = parseScenario(doc);
      expect(spec.userBehavior.thinkTimeSeconds).toMatchObject({
        base: 0.5,
        variance: 0.25,
        min: 0.1,
        max: 1.5,
      });
      expect(spec.targets.timeout).toBe(2.5);
    });

    it.each([
      ['90', 90],
      ['500ms', 0.5],
      ['30s', 30],
      ['5m', 300],
      ['1h30m', 5400],
      ['2h', 7200],
      [45, 45],
    ])('reads the duration %j as %d seconds', (written, seconds) => {
      const doc = withSpec((spec) => {
        spec.targets = { ...section(spec, 'targets'), timeout: written };
        spec.limits = { maxDurationSec: written };
        spec.userBehavior = { thinkTimeSeconds: { base: written, variance: 0, max: '3h' } };
        spec.metrics = { exportInterval: written };
        spec.loadPattern = {
          type: 'steady',
          phases: [{ name: 'all', duration: written, targetActiveUsers: 3 }],
        };
      });
      const { spec } = parseScenario(doc);
      expect(spec.targets.timeout).toBe(seconds);
      expect(spec.limits.maxDurationSec).toBe(seconds);
      expect(spec.userBehavior.thinkTimeSeconds.base).toBe(seconds);
      expect(spec.metrics?.exportInterval).toBe(seconds);
      expect(spec.loadPattern?.phases[0]?.duration).toBe(seconds);
    });

    it('reads bare session durations in their unit and strings as durations', () => {
      const doc = withSpec((spec) => {
        section(spec, 'userBehavior').sessionDuration = { min: 5, max: '1h', unit: 'minutes' };
      });
      expect(parseScenario(doc).spec.userBehavior.sessionDuration).toEqual({ min: 300, max: 3600 });
    });

    it('merges the docs spellings maxCostUsd and maxDuration into maxCostUSD and maxDurationSec', () => {
      const doc = withSpec((spec) => {
        spec.limits = { maxCostUsd: 12.5, maxDuration: '2h', maxErrorRate: 0.1 };
      });
      expect(parseScenario(doc).spec.limits).toMatchObject({
        maxCostUSD: 12.5,
        maxDurationSec: 7200,
        maxErrorRate: 0.1,
      });
    });

    it('merges spec.apiKeys.perUser (docs) into users.apiKeys.perUser', () => {
      const doc = withSpec((spec) => {
        spec.apiKeys = { perUser: 2 };
      });
      const { spec } = parseScenario(doc);
      expect(spec.users.apiKeys.perUser).toBe(2);
      expect(spec).not.toHaveProperty('apiKeys');
    });
  });

  describe('rejects, naming the path', () => {
    const cases: [string, (spec: Doc, doc: Doc) => void, string][] = [
      [
        'a string count',
        (s) => (section(s, 'organizations').count = 'three'),
        'spec.organizations.count: expected a number, got "three"',
      ],
      [
        'a fractional count',
        (s) => (section(s, 'organizations').count = 1.5),
        'spec.organizations.count: expected a whole number, got 1.5',
      ],
      [
        'a count below the minimum',
        (s) => (section(s, 'organizations').count = 0),
        'spec.organizations.count: must be ≥ 1, got 0',
      ],
      [
        'perOrg max below min',
        (s) => (section(s, 'users').perOrg = { min: 5, max: 3 }),
        'spec.users.perOrg.max: must be ≥ min (5), got 3',
      ],
      [
        'maxErrorRate above 1',
        (s) => (s.limits = { maxErrorRate: 1.5 }),
        'spec.limits.maxErrorRate: must be ≤ 1, got 1.5',
      ],
      [
        'multiTurnProbability below 0',
        (s) => (section(s, 'userBehavior').conversationStyle = { multiTurnProbability: -0.1 }),
        'spec.userBehavior.conversationStyle.multiTurnProbability: must be ≥ 0, got -0.1',
      ],
      [
        'test type weights not summing to 100',
        (s) =>
          (s.testTypes = [
            { name: 'a', weight: 60 },
            { name: 'b', weight: 30 },
          ]),
        'spec.testTypes: weights sum to 90; they must sum to 100',
      ],
      [
        'a negative test type weight',
        (s) =>
          (s.testTypes = [
            { name: 'a', weight: 105 },
            { name: 'b', weight: -5 },
          ]),
        'spec.testTypes[1].weight: must be ≥ 0, got -5',
      ],
      [
        'scenario mix weights not summing to 100',
        (s) =>
          (s.scenarioMix = {
            scenarios: [
              { name: 'a', weight: 75 },
              { name: 'b', weight: 75 },
            ],
          }),
        'spec.scenarioMix.scenarios: weights sum to 150; they must sum to 100',
      ],
      [
        'a duplicate test type name',
        (s) =>
          (s.testTypes = [
            { name: 'a', weight: 50 },
            { name: 'a', weight: 50 },
          ]),
        'spec.testTypes[1].name: "a" is used twice',
      ],
      [
        'an unknown key, suggesting the closest',
        (s) => (s.userBehaviour = {}),
        'spec.userBehaviour: unknown key (did you mean "userBehavior"?)',
      ],
      [
        'a key in the wrong case',
        (s) => (section(s, 'targets').apiRouterURL = 'http://x'),
        'spec.targets.apiRouterURL: unknown key (did you mean "apiRouterUrl"?)',
      ],
      ['an unknown key with nothing close', (s) => (s.colour = 'red'), 'spec.colour: unknown key'],
      [
        'a bad duration',
        (s) => (section(s, 'targets').timeout = '5 minutes'),
        'spec.targets.timeout: "5 minutes" is not a duration; use a number of seconds or a string like 90, 500ms, 30s, 5m, 1h30m or 2h',
      ],
      [
        'a duration of the wrong type',
        (s) => (s.limits = { maxDuration: true }),
        'spec.limits.maxDuration: expected a number of seconds or a string like 90, 500ms, 30s, 5m, 1h30m or 2h, got true',
      ],
      [
        'a zero export interval',
        (s) => (s.metrics = { exportInterval: '0s' }),
        'spec.metrics.exportInterval: must be longer than 0',
      ],
      [
        'a bad apiVersion',
        (_s, d) => (d.apiVersion = 'loadtest.ai-aas.dev/v1alpha1'),
        'apiVersion: expected "loadtest.ai-aas.dev/v1", got "loadtest.ai-aas.dev/v1alpha1"',
      ],
      [
        'a bad kind',
        (_s, d) => (d.kind = 'TestScenario'),
        'kind: expected "LoadTestScenario", got "TestScenario"',
      ],
      ['a missing metadata.name', (_s, d) => (d.metadata = { namespace: 'x' }), 'metadata.name: is required'],
      ['an empty metadata.name', (_s, d) => (d.metadata = { name: '' }), 'metadata.name: must not be empty'],
      [
        'a misspelt choice',
        (s) => (s.testTypes = [{ name: 'a', weight: 100, questionStrategy: 'historic' }]),
        'spec.testTypes[0].questionStrategy: expected one of "historical", "mathematical", "geographical", "hypothetical", "technical", "mixed", got "historic" (did you mean "historical"?)',
      ],
      [
        'a non-http URL',
        (s) => (section(s, 'targets').apiRouterUrl = 'ftp://x'),
        'spec.targets.apiRouterUrl: expected an http(s) URL, got "ftp://x"',
      ],
      [
        'a missing userOrgUrl while bootstrapping',
        (s) => delete section(s, 'targets').userOrgUrl,
        'spec.targets.userOrgUrl: is required when bootstrapApi is llmops (set bootstrapApi: none to skip bootstrapping)',
      ],
      [
        'conflicting cost limits',
        (s) => (s.limits = { maxCostUSD: 5, maxCostUsd: 6 }),
        'spec.limits.maxCostUsd: is another spelling of maxCostUSD, which says 5; keep one of them',
      ],
      [
        'a wrong section type',
        (s) => (s.users = [1]),
        'spec.users: expected a mapping (key: value), got a list',
      ],
      [
        'constant load without a rate',
        (s) => (s.load = { mode: 'constant' }),
        'spec.load.rate: is required when mode is constant (requests per second, above 0)',
      ],
      [
        'concurrency load without a concurrency',
        (s) => (s.load = { mode: 'concurrency' }),
        'spec.load.concurrency: is required when mode is concurrency (requests in flight, at least 1)',
      ],
      [
        'a sweep without its block',
        (s) => (s.load = { mode: 'sweep' }),
        'spec.load.sweep: is required when mode is sweep ({ startRate, endRate, steps, stepDurationSec })',
      ],
      [
        'a sweep going down',
        (s) =>
          (s.load = { mode: 'sweep', sweep: { startRate: 5, endRate: 2, steps: 3, stepDurationSec: '30s' } }),
        'spec.load.sweep.endRate: must be greater than startRate (5), got 2',
      ],
      [
        'a question template with an undefined placeholder',
        (s) =>
          (s.advanced = {
            questionTemplates: [{ template: 'Weather in {city}?', variables: { town: ['Oslo'] } }],
          }),
        'spec.advanced.questionTemplates[0].variables: has no values for {city}, which the template uses',
      ],
      [
        'continuousLoop sessions that ask no question (they would loop without sending)',
        (s) => {
          section(s, 'userBehavior').questionsPerSession = { min: 0, max: 0 };
          s.testTypes = [{ name: 'chat', weight: 100, continuousLoop: true }];
        },
        'spec.userBehavior.questionsPerSession.max: is 0, so no session asks anything, yet testTypes[0].continuousLoop repeats sessions: set it to 1 or more',
      ],
      [
        'a 0-second sessionDuration under a loadPattern (users would loop without sending)',
        (s) => {
          section(s, 'userBehavior').sessionDuration = { min: 0, max: 0 };
          s.loadPattern = {
            type: 'steady',
            phases: [{ name: 'hold', duration: '10s', targetActiveUsers: 2 }],
          };
        },
        'spec.userBehavior.sessionDuration.max: is 0 seconds, so no session has time to ask anything, yet loadPattern runs sessions back to back: make it longer',
      ],
      [
        'a price that is not a number',
        (s) => (s.pricing = { 'gpt-4o': { inputPerMTokUSD: 'cheap', outputPerMTokUSD: 10 } }),
        'spec.pricing["gpt-4o"].inputPerMTokUSD: expected a number, got "cheap"',
      ],
    ];

    it.each(cases)('%s', (_name, edit, expected) => {
      const doc = minimal();
      edit(doc.spec as Doc, doc);
      expect(problems(doc)).toContain(expected);
    });

    it('accepts a scenario without userOrgUrl when bootstrapApi is none', () => {
      const doc = withSpec((spec) => {
        spec.targets = { apiRouterUrl: 'http://localhost:4000', bootstrapApi: 'none', apiKey: 'sk-local' };
      });
      expect(parseScenario(doc).spec.targets).toMatchObject({ bootstrapApi: 'none', apiKey: 'sk-local' });
    });

    it('accepts the open-loop load modes when their settings are given', () => {
      const doc = withSpec((spec) => {
        spec.load = {
          mode: 'poisson',
          rate: 12.5,
          burstiness: 0.5,
          durationSec: '10m',
          warmupSec: '30s',
          slo: { ttftMs: 500 },
        };
        spec.pricing = { 'small-chat': { inputPerMTokUSD: 0.15, outputPerMTokUSD: 0.6 } };
      });
      const { spec } = parseScenario(doc);
      expect(spec.load).toEqual({
        mode: 'poisson',
        rate: 12.5,
        burstiness: 0.5,
        durationSec: 600,
        warmupSec: 30,
        slo: { ttftMs: 500 },
      });
      expect(spec.pricing).toEqual({ 'small-chat': { inputPerMTokUSD: 0.15, outputPerMTokUSD: 0.6 } });
    });
  });

  describe('error report', () => {
    it('lists every problem at once, one per line, prefixed by source and path', () => {
      const doc = minimal();
      doc.apiVersion = 'v2';
      const spec = doc.spec as Doc;
      section(spec, 'organizations').count = 0;
      section(spec, 'users').perOrg = { min: 4, max: 2 };
      spec.userBehaviour = { thinkTimeSeconds: { base: 1, variance: 1 } };
      delete spec.userBehavior;
      spec.testTypes = [
        { name: 'a', weight: 50 },
        { name: 'b', weight: 20 },
      ];
      section(spec, 'targets').timeout = 'soon';
      let error: unknown;
      try {
        parseScenario(doc, 'bad.yaml');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ScenarioError);
      const { issues, message } = error as ScenarioError;
      expect(issues.map((issue) => issue.path)).toEqual([
        'apiVersion',
        'spec.organizations.count',
        'spec.users.perOrg.max',
        'spec.userBehavior',
        'spec.targets.timeout',
        'spec.testTypes',
        'spec.userBehaviour',
      ]);
      const lines = message.split('\n');
      expect(lines[0]).toBe('Invalid LoadTestScenario in bad.yaml (7 problems):');
      expect(lines).toContain('  bad.yaml: spec.userBehavior: is required');
      expect(lines).toContain('  bad.yaml: spec.testTypes: weights sum to 70; they must sum to 100');
      expect(lines).toHaveLength(8);
    });

    it('never echoes a credential: the admin key, header values, or the password or key in a bad URL', () => {
      const doc = withSpec((spec) => {
        spec.targets = {
          apiRouterUrl: 'ftp://admin:hunter2-pass@router.internal',
          userOrgUrl: 'http://localhost:8081',
          adminApiKey: 31337420420,
          headers: { 'x-api-key': 424242424242 },
        };
      });
      const text = problems(doc).join('\n');
      expect(text).toContain('spec.targets.adminApiKey: expected a string');
      expect(text).toMatch(/spec\.targets\.headers/);
      for (const secret of ['hunter2-pass', '31337420420', '424242424242'])
        expect(text).not.toContain(secret);
      expect(text).toContain('spec.targets.apiRouterUrl: expected an http(s) URL');
    });

    it('reports a non-object document', () => {
      expect(problems('hello')).toEqual(['expected a mapping (key: value), got "hello"']);
      expect(validateScenario(null).ok).toBe(false);
    });
  });
});

describe('newTestRunId', () => {
  it('follows test-YYYYMMDD-HHMMSS-<8 hex> in UTC and differs each time', () => {
    const now = new Date(Date.UTC(2025, 0, 27, 9, 5, 3));
    const id = newTestRunId(now);
    expect(id).toMatch(/^test-20250127-090503-[0-9a-f]{8}$/);
    expect(newTestRunId(now)).not.toBe(id);
    expect(newTestRunId()).toMatch(/^test-\d{8}-\d{6}-[0-9a-f]{8}$/);
  });
});
