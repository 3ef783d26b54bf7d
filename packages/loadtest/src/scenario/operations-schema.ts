/**
 * Sections of the scenario that exist only in the original's contract docs (`loadPattern`, `workers`, `metrics`,
 * `cleanup`, `advanced`). They are typed and validated so that documented scenarios load, and a typo in them is
 * caught. llmops acts on `loadPattern` (engine/simulated-users.ts); the others are validated only.
 */
import { z } from 'zod';
import { count, duration, flag, fraction, httpUrl, nonEmptyString, stringMap } from './scenario-fields.js';

export const loadPhaseSchema = z.strictObject({
  name: nonEmptyString,
  duration: duration({ positive: true }),
  targetActiveUsers: count(0),
  rampStrategy: z.enum(['linear', 'exponential', 'step']).default('linear'),
});

export const loadPatternSchema = z.strictObject({
  type: z.enum(['ramp-up', 'steady', 'spike', 'wave', 'custom']),
  phases: z.array(loadPhaseSchema).min(1),
});

/** Kubernetes resource quantities, e.g. `{ cpu: "500m", memory: "512Mi" }`. */
const resourceList = z.record(z.string(), z.union([z.string(), z.number()]));

export const workersSchema = z.strictObject({
  replicas: count(1).default(1),
  usersPerWorker: count(1).optional(),
  resources: z
    .strictObject({ requests: resourceList.optional(), limits: resourceList.optional() })
    .optional(),
  image: nonEmptyString.optional(),
  env: z.array(z.strictObject({ name: nonEmptyString, value: z.string() })).optional(),
});

export const METRIC_CAPTURES = [
  'latency_percentiles',
  'token_usage',
  'cost_per_user',
  'error_rate',
  'concurrent_users',
  'questions_per_second',
] as const;

export const metricsSchema = z.strictObject({
  pushgatewayUrl: httpUrl.optional(),
  prometheusUrl: httpUrl.optional(),
  /** Seconds between pushes (the original hard-codes 10). */
  exportInterval: duration({ positive: true }).default(10),
  capture: z.array(z.enum(METRIC_CAPTURES)).default([]),
  labels: stringMap.optional(),
});

export const cleanupSchema = z.strictObject({
  onCompletion: flag.default(true),
  retainMetrics: flag.default(true),
  /** e.g. `s3://bucket/{testRunId}/`; placeholders `{testRunId}`, `{timestamp}`, `{name}`. */
  exportResultsTo: nonEmptyString.optional(),
  retainLogs: flag.optional(),
  logExportPath: nonEmptyString.optional(),
});

const PLACEHOLDER = /\{(\w+)\}/g;

/** A custom question template: `{name}` placeholders filled from `variables`. */
export const questionTemplateSchema = z
  .strictObject({
    template: nonEmptyString,
    variables: z.record(z.string(), z.array(z.string()).min(1)).default({}),
  })
  .check((payload) => {
    const { template, variables } = payload.value;
    for (const [, name] of template.matchAll(PLACEHOLDER)) {
      if (name !== undefined && !(name in variables))
        payload.issues.push({
          code: 'custom',
          path: ['variables'],
          input: variables,
          message: `has no values for {${name}}, which the template uses`,
        });
    }
  });

export const chaosSchema = z.strictObject({
  enabled: flag.default(false),
  /** Share of requests failed on purpose. */
  failureRate: fraction.optional(),
  /** Latency added to each request, in seconds. */
  networkLatency: z.strictObject({ base: duration(), variance: duration().default(0) }).optional(),
});

export const advancedSchema = z.strictObject({
  debug: flag.default(false),
  /** Bootstrap, but send no requests. */
  dryRun: flag.default(false),
  correlationId: nonEmptyString.optional(),
  questionTemplates: z.array(questionTemplateSchema).optional(),
  chaos: chaosSchema.optional(),
});
