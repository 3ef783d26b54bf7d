/** `spec.userBehavior`: how each simulated user paces, sizes and words its questions. */
import { z } from 'zod';
import { QUESTION_STRATEGIES } from './questions.js';
import {
  count,
  DURATION_FORMS,
  describeValue,
  duration,
  durationToSeconds,
  flag,
  fraction,
  intRange,
  maxAtLeastMin,
  namedWeight,
  nonEmptyString,
  nonNegative,
  weight,
} from './scenario-fields.js';
import { SPREAD_DISTRIBUTIONS, THINK_TIME_DISTRIBUTIONS } from './think-time.js';

/** The original's clamp defaults; a 0 also becomes the default, as in the Go worker. */
const THINK_TIME_MIN_DEFAULT = 1;
const THINK_TIME_MAX_DEFAULT = 60;

/**
 * Seconds between two questions of a session: drawn around `base` per `distribution` (see `thinkTimeSampler`),
 * clamped to `[min, max]`. Every field takes a duration (`5`, `"1500ms"`, `"2m"`).
 */
export const thinkTimeSchema = z
  .strictObject({
    base: duration(),
    variance: duration(),
    distribution: z.enum(THINK_TIME_DISTRIBUTIONS).default('uniform'),
    min: duration().optional(),
    max: duration().optional(),
  })
  .transform(({ min, max, ...rest }) => {
    const lower = min || THINK_TIME_MIN_DEFAULT;
    // An unset max follows a min above its default (the original clamped every draw down to 60 s then).
    return { ...rest, min: lower, max: max || Math.max(THINK_TIME_MAX_DEFAULT, lower) };
  })
  .check(maxAtLeastMin);

/**
 * A "base ± variance" setting measured in tokens (`promptTokens`, `maxTokensPerRequest`); see `tokenSampler`.
 * `fixed` always gives `base`. Defaults: variance 0, uniform, clamped to [1, 1,000,000].
 */
export const tokenSpreadSchema = z
  .strictObject({
    base: z.number().min(1),
    variance: nonNegative.default(0),
    distribution: z.enum(SPREAD_DISTRIBUTIONS).default('uniform'),
    min: z.number().min(1).default(1),
    max: z.number().min(1).default(1_000_000),
  })
  .check(maxAtLeastMin);

const temperatureValue = z.number().min(0).max(2);

/** `temperature` per request, drawn like think time and clamped to `[min, max]` (default [0, 2]). */
export const temperatureSpreadSchema = z
  .strictObject({
    base: temperatureValue,
    variance: nonNegative.default(0),
    distribution: z.enum(SPREAD_DISTRIBUTIONS).default('uniform'),
    min: temperatureValue.default(0),
    max: temperatureValue.default(2),
  })
  .check(maxAtLeastMin);

const SESSION_UNITS = { seconds: 1, minutes: 60, hours: 3600 } as const;
const BARE_NUMBER = /^\s*\d+(\.\d+)?\s*$/;

/**
 * `sessionDuration` (doc only in the original; llmops ends a session when it is up): `min`/`max` as durations (`"5m"`), or bare numbers in
 * `unit` (seconds by default). Normalised to seconds; `unit` is dropped.
 */
export const sessionDurationSchema = z
  .strictObject({
    min: z.union([z.number(), z.string()]).optional(),
    max: z.union([z.number(), z.string()]).optional(),
    unit: z.enum(['seconds', 'minutes', 'hours']).optional(),
    distribution: z.enum(['uniform', 'gaussian']).optional(),
  })
  .transform(({ min, max, unit, distribution }, ctx) => {
    const factor = SESSION_UNITS[unit ?? 'seconds'];
    const seconds = (key: 'min' | 'max', value: number | string | undefined): number | undefined => {
      if (value === undefined) return undefined;
      const bare = typeof value === 'number' || BARE_NUMBER.test(value);
      const result = bare ? (durationToSeconds(Number(value)) ?? NaN) * factor : durationToSeconds(value);
      if (result === undefined || Number.isNaN(result))
        ctx.issues.push({
          code: 'custom',
          path: [key],
          input: value,
          message: `${describeValue(value)} is not a duration; use ${DURATION_FORMS}`,
        });
      return result;
    };
    return { min: seconds('min', min), max: seconds('max', max), distribution };
  })
  .check(maxAtLeastMin);

export const conversationStyleSchema = z.strictObject({
  /** Per question: keep the history (multi-turn) instead of starting a new conversation. */
  multiTurnProbability: fraction.default(0),
  turnsPerConversation: intRange(1).optional(),
  contextRetention: flag.optional(),
});

/** Unused by the original worker; llmops retries, stops and ignores as it says (engine/load-run.ts). */
export const errorHandlingSchema = z.strictObject({
  retryAttempts: count(0).optional(),
  retryBackoffMs: nonNegative.optional(),
  ignoreErrorCodes: z.array(z.number().int().min(100).max(599)).optional(),
  stopOnErrors: count(0).optional(),
});

export const userBehaviorSchema = z.strictObject({
  thinkTimeSeconds: thinkTimeSchema,
  sessionDuration: sessionDurationSchema.optional(),
  /** Questions per session, uniform whole number. Absent: the original asks 0 questions. */
  questionsPerSession: z
    .strictObject({
      min: count(0),
      max: count(0),
      distribution: z.enum(['uniform', 'gaussian', 'poisson']).optional(),
    })
    .check(maxAtLeastMin)
    .optional(),
  conversationStyle: conversationStyleSchema.prefault({}),
  errorHandling: errorHandlingSchema.optional(),
  /** Doc only: strategy per user, weights relative. */
  questionStrategies: z
    .array(namedWeight(z.enum(QUESTION_STRATEGIES)))
    .min(1)
    .optional(),
  /** Doc only: model per request, weights relative. */
  modelPreferences: z
    .array(z.strictObject({ model: nonEmptyString, weight }))
    .min(1)
    .optional(),
  /** `max_tokens` per request (doc only in the original; used by llmops). */
  maxTokensPerRequest: tokenSpreadSchema.optional(),
  /** Extension: prompt length in tokens; questions are padded with context to about this many. */
  promptTokens: tokenSpreadSchema.optional(),
  temperature: temperatureSpreadSchema.optional(),
});
