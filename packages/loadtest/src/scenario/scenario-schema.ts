/**
 * The `LoadTestScenario` document (`apiVersion: loadtest.ai-aas.dev/v1`), as the original ai-aas load tester
 * defines it — every field of its worker and of its contract docs — plus llmops extensions, marked below.
 * Parsing normalises: durations become seconds, defaults are filled in, alternative spellings are merged.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { loadSchema, pricingSchema } from './load-schema.js';
import {
  advancedSchema,
  cleanupSchema,
  loadPatternSchema,
  metricsSchema,
  workersSchema,
} from './operations-schema.js';
import { CACHE_BEHAVIORS, QUESTION_STRATEGIES } from './questions.js';
import { formatPath, ScenarioError } from './scenario-error.js';
import {
  count,
  duration,
  flag,
  fraction,
  httpUrl,
  maxAtLeastMin,
  namedWeight,
  nonEmptyString,
  nonNegative,
  percentWeight,
  stringMap,
  weightsSumTo100,
} from './scenario-fields.js';
import { scenarioErrorMap, toRawIssues, type RawScenarioIssue } from './scenario-issues.js';
import { userBehaviorSchema } from './user-behavior-schema.js';

export const SCENARIO_API_VERSION = 'loadtest.ai-aas.dev/v1';
export const SCENARIO_KIND = 'LoadTestScenario';

/** A run id in the original's format, `test-YYYYMMDD-HHMMSS-<8 hex>` (UTC). */
export function newTestRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `test-${stamp}-${randomBytes(4).toString('hex')}`;
}

export const metadataSchema = z.strictObject({
  name: nonEmptyString,
  namespace: nonEmptyString.optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  /** Absent: generate one with `newTestRunId()` when the run starts. */
  testRunId: nonEmptyString.optional(),
});

export const organizationsSchema = z.strictObject({
  count: count(1),
  /** Org `n` (1-based) is `<namePrefix>-<n>`; absent means `loadtest-org-<testRunId>`, known only at run time. */
  namePrefix: nonEmptyString.optional(),
  /** Doc only: `{index}`, `{timestamp}`, `{random}` placeholders. */
  namingPattern: nonEmptyString.optional(),
  /** Doc only: how orgs spread over workers. */
  distribution: z.enum(['even', 'weighted', 'random']).default('even'),
  /** Sent to the org API only when `limitUSD > 0`. */
  budget: z
    .strictObject({
      limitUSD: nonNegative.optional(),
      dailyUSD: nonNegative.optional(),
      warnAtUSD: nonNegative.optional(),
      enableAlerts: flag.default(false),
    })
    .optional(),
  customMetadata: stringMap.optional(),
});

/** As in the original worker, a 0 means the default (1 key per user, a 60 s timeout). */
const zeroIsUnset = (n: number): number | undefined => (n === 0 ? undefined : n);
const TIMEOUT_DEFAULT_S = 60;

const apiKeysShape = {
  perUser: count(0).transform(zeroIsUnset).optional(),
  namePrefix: nonEmptyString.default('loadtest-key'),
  /** 0 = never expires. */
  expiryDays: count(0).default(0),
};

export const usersSchema = z.strictObject({
  /** Users per org; the original creates `min` of them. */
  perOrg: z
    .strictObject({
      min: count(1),
      max: count(1),
      distribution: z.enum(['random', 'gaussian', 'uniform']).optional(),
    })
    .check(maxAtLeastMin),
  /** User `<namePrefix>-<n>`, email `<name>@loadtest.example.com`. */
  namePrefix: nonEmptyString.default('loadtest-user'),
  /** Doc only: `{org}`, `{index}`, `{random}` placeholders. */
  namingPattern: nonEmptyString.optional(),
  apiKeys: z.strictObject(apiKeysShape).prefault({}),
  roles: z.array(nonEmptyString).optional(),
  metadata: stringMap.optional(),
});

export const BOOTSTRAP_APIS = ['llmops', 'ai-aas', 'none'] as const;

export const targetsSchema = z
  .strictObject({
    /** Chat requests go to `<apiRouterUrl><chatPath>` with `Authorization: Bearer <user key>`. */
    apiRouterUrl: httpUrl,
    /** The bootstrap API (orgs, users, keys); required unless `bootstrapApi` is `none`. */
    userOrgUrl: httpUrl.optional(),
    /** Bearer token for the bootstrap calls. */
    adminApiKey: nonEmptyString.optional(),
    /** HTTP timeout of bootstrap and chat requests, seconds; 0 means the default. */
    timeout: duration()
      .transform((s) => zeroIsUnset(s) ?? TIMEOUT_DEFAULT_S)
      .default(TIMEOUT_DEFAULT_S),
    tlsVerify: flag.default(true),
    /** Extra headers on every chat request. */
    headers: stringMap.optional(),
    /**
     * Extension: which bootstrap API creates orgs, users and keys — llmops' own admin API (default), the original
     * ai-aas user-org service, or none (every user sends `apiKey`, or no key).
     */
    bootstrapApi: z.enum(BOOTSTRAP_APIS).default('llmops'),
    /** Extension: the key every user sends when `bootstrapApi` is `none`. */
    apiKey: nonEmptyString.optional(),
    /** Extension: path of the chat completions endpoint. */
    chatPath: z
      .string()
      .regex(/^\//, { error: 'must be a path starting with /, e.g. /v1/chat/completions' })
      .default('/v1/chat/completions'),
    /** Extension: upstream provider key given to the projects created in llmops. */
    upstreamApiKey: nonEmptyString.optional(),
  })
  .check((payload) => {
    const { bootstrapApi, userOrgUrl } = payload.value;
    if (bootstrapApi !== 'none' && userOrgUrl === undefined)
      payload.issues.push({
        code: 'custom',
        path: ['userOrgUrl'],
        input: undefined,
        message: `is required when bootstrapApi is ${bootstrapApi} (set bootstrapApi: none to skip bootstrapping)`,
      });
  });

/**
 * Stop conditions, 0 = off. Both spellings of the docs are accepted and merged: `maxCostUsd` into `maxCostUSD`,
 * `maxDuration` (a duration such as `"2h"`) into `maxDurationSec`.
 */
export const limitsSchema = z
  .strictObject({
    maxCostUSD: nonNegative.optional(),
    maxCostUsd: nonNegative.optional(),
    maxRequests: count(0).optional(),
    maxDurationSec: duration().optional(),
    maxDuration: duration().optional(),
    maxErrorRate: fraction.optional(),
    maxConcurrentReqs: count(0).optional(),
  })
  .transform((limits, ctx) => {
    const merged = (
      canonical: 'maxCostUSD' | 'maxDurationSec',
      alias: 'maxCostUsd' | 'maxDuration',
    ): number => {
      const [a, b] = [limits[canonical], limits[alias]];
      if (a !== undefined && b !== undefined && a !== b)
        ctx.issues.push({
          code: 'custom',
          path: [alias],
          input: b,
          message: `is another spelling of ${canonical}, which says ${a}; keep one of them`,
        });
      return a ?? b ?? 0;
    };
    return {
      maxCostUSD: merged('maxCostUSD', 'maxCostUsd'),
      maxRequests: limits.maxRequests ?? 0,
      maxDurationSec: merged('maxDurationSec', 'maxDuration'),
      maxErrorRate: limits.maxErrorRate ?? 0,
      maxConcurrentReqs: limits.maxConcurrentReqs ?? 0,
    };
  });

export const testTypeSchema = z.strictObject({
  /** e.g. `random_short`, `long`, `cached`. */
  name: nonEmptyString,
  /** Percentage of sessions of this type; the list sums to 100 (0 switches a type off). */
  weight: percentWeight,
  questionStrategy: z.enum(QUESTION_STRATEGIES).default('mixed'),
  cacheBehavior: z.enum(CACHE_BEHAVIORS).optional(),
  /** Sent as vLLM's `cache_salt`. */
  cacheSalt: nonEmptyString.optional(),
  /** Questions under 100 characters go to the first SLM model, others to the first medium model. */
  modelTargeting: z
    .strictObject({
      slmModels: z.array(nonEmptyString).default([]),
      mediumModels: z.array(nonEmptyString).default([]),
      rules: z
        .array(z.strictObject({ condition: nonEmptyString, targetType: z.enum(['slm', 'medium']) }))
        .default([]),
    })
    .optional(),
  /** Documents (S3/MinIO) for `long` questions; unused by the original worker. */
  documentLibrary: z
    .strictObject({
      enabled: flag.default(false),
      bucketName: nonEmptyString.optional(),
      documentPaths: z.array(nonEmptyString).default([]),
      sampleSize: count(1).optional(),
    })
    .optional(),
  continuousLoop: flag.default(false),
  streamingResponse: flag.default(false),
});

type Named = { name: string };

function uniqueNames(payload: z.core.ParsePayload<Named[]>): void {
  const seen = new Set<string>();
  payload.value.forEach(({ name }, index) => {
    if (seen.has(name))
      payload.issues.push({
        code: 'custom',
        path: [index, 'name'],
        input: name,
        message: `"${name}" is used twice`,
      });
    seen.add(name);
  });
}

/**
 * Sessions that repeat — a test type's `continuousLoop`, or a `loadPattern` (its users run sessions back to back) —
 * must be able to ask something: with `questionsPerSession.max` 0 or a 0-second `sessionDuration`, every session
 * is empty and the users would loop without ever sending a request.
 */
function emptyRepeatingSessions(
  behavior: z.output<typeof userBehaviorSchema>,
  testTypes: readonly { continuousLoop: boolean }[],
  pattern: boolean,
): z.core.$ZodRawIssue[] {
  const looping = testTypes.findIndex((t) => t.continuousLoop);
  const why =
    looping >= 0
      ? `testTypes[${looping}].continuousLoop repeats sessions`
      : pattern
        ? 'loadPattern runs sessions back to back'
        : null;
  if (why === null) return [];
  const issues: z.core.$ZodRawIssue[] = [];
  const q = behavior.questionsPerSession;
  if (q?.max === 0)
    issues.push({
      code: 'custom',
      path: ['userBehavior', 'questionsPerSession', 'max'],
      input: 0,
      message: `is 0, so no session asks anything, yet ${why}: set it to 1 or more`,
    });
  const d = behavior.sessionDuration;
  const [key, seconds] = d?.max !== undefined ? ['max', d.max] : ['min', d?.min];
  if (seconds === 0)
    issues.push({
      code: 'custom',
      path: ['userBehavior', 'sessionDuration', key],
      input: 0,
      message: `is 0 seconds, so no session has time to ask anything, yet ${why}: make it longer`,
    });
  return issues;
}

const specSchema = z
  .strictObject({
    organizations: organizationsSchema,
    users: usersSchema,
    /** Doc spelling of `users.apiKeys.perUser`; merged into it. */
    apiKeys: z.strictObject({ perUser: count(1) }).optional(),
    userBehavior: userBehaviorSchema,
    targets: targetsSchema,
    limits: limitsSchema.prefault({}),
    /** Mix of `kind: TestScenario` templates; unused at run time. */
    scenarioMix: z
      .strictObject({
        scenarios: z
          .array(namedWeight(nonEmptyString, percentWeight))
          .min(1)
          .check(weightsSumTo100, uniqueNames),
      })
      .optional(),
    testTypes: z.array(testTypeSchema).min(1).check(weightsSumTo100, uniqueNames).optional(),
    loadPattern: loadPatternSchema.optional(),
    workers: workersSchema.optional(),
    metrics: metricsSchema.optional(),
    cleanup: cleanupSchema.optional(),
    advanced: advancedSchema.optional(),
    /** Extension: USD per million tokens, per model. */
    pricing: pricingSchema.optional(),
    /** Extension: the arrival model; absent means simulated users as in the original. */
    load: loadSchema.prefault({}),
  })
  .transform(({ apiKeys, users, testTypes, ...spec }, ctx) => {
    const [own, doc] = [users.apiKeys.perUser, apiKeys?.perUser];
    if (own !== undefined && doc !== undefined && own !== doc)
      ctx.issues.push({
        code: 'custom',
        path: ['apiKeys', 'perUser'],
        input: doc,
        message: `conflicts with users.apiKeys.perUser (${own}); keep one of them`,
      });
    ctx.issues.push(
      ...emptyRepeatingSessions(spec.userBehavior, testTypes ?? [], spec.loadPattern !== undefined),
    );
    return {
      ...spec,
      users: { ...users, apiKeys: { ...users.apiKeys, perUser: own ?? doc ?? 1 } },
      testTypes: testTypes ?? [],
    };
  });

export const loadTestScenarioSchema = z.strictObject({
  apiVersion: z.literal(SCENARIO_API_VERSION),
  kind: z.literal(SCENARIO_KIND),
  metadata: metadataSchema,
  spec: specSchema,
});

/** A parsed, normalised scenario: durations in seconds, defaults filled in, doc spellings merged. */
export type LoadTestScenario = z.output<typeof loadTestScenarioSchema>;
/** What may be written in a scenario file. */
export type LoadTestScenarioInput = z.input<typeof loadTestScenarioSchema>;
export type ScenarioSpec = LoadTestScenario['spec'];
export type ScenarioTargets = ScenarioSpec['targets'];
export type ScenarioLimits = ScenarioSpec['limits'];
export type ScenarioTestType = ScenarioSpec['testTypes'][number];
export type ScenarioUserBehavior = ScenarioSpec['userBehavior'];
export type ScenarioLoad = ScenarioSpec['load'];
export type ScenarioPricing = NonNullable<ScenarioSpec['pricing']>;

export type ScenarioValidation =
  | { readonly ok: true; readonly scenario: LoadTestScenario }
  | { readonly ok: false; readonly issues: readonly RawScenarioIssue[] };

/** Validates without throwing; issue paths stay as segments so that a YAML reader can locate them. */
export function validateScenario(value: unknown): ScenarioValidation {
  const result = loadTestScenarioSchema.safeParse(value, { error: scenarioErrorMap });
  if (result.success) return { ok: true, scenario: result.data };
  return { ok: false, issues: toRawIssues(loadTestScenarioSchema, result.error.issues) };
}

/**
 * A normalised scenario from a parsed document; throws a `ScenarioError` listing every problem, each with its
 * path, e.g. `spec.testTypes[1].weight: must be ≥ 0, got -5`.
 */
export function parseScenario(value: unknown, source?: string): LoadTestScenario {
  const result = validateScenario(value);
  if (result.ok) return result.scenario;
  const issues = result.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  throw new ScenarioError(issues, source);
}
