/** llmops extensions to the scenario: how load is offered (`spec.load`) and what tokens cost (`spec.pricing`). */
import { z } from 'zod';
import { count, duration, nonEmptyString, nonNegative } from './scenario-fields.js';

/**
 * - `users`: the original's closed model — each simulated user asks, waits for the answer, thinks, asks again.
 * - `concurrency`: `concurrency` requests always in flight, no think time (closed loop).
 * - `constant`: `rate` requests per second at even gaps (open loop).
 * - `poisson`: `rate` requests per second with gamma-distributed gaps of shape `burstiness` (1 = Poisson).
 * - `sweep`: constant rates from `sweep.startRate` to `sweep.endRate` in `sweep.steps` steps.
 */
export const LOAD_MODES = ['users', 'concurrency', 'constant', 'poisson', 'sweep'] as const;
export type LoadMode = (typeof LOAD_MODES)[number];

const positive = z.number().gt(0);

export const sweepSchema = z
  .strictObject({
    startRate: positive,
    endRate: positive,
    /** Rates tried, both ends included. */
    steps: count(2),
    stepDurationSec: duration({ positive: true }),
  })
  .check((payload) => {
    const { startRate, endRate } = payload.value;
    if (endRate <= startRate)
      payload.issues.push({
        code: 'custom',
        path: ['endRate'],
        input: endRate,
        message: `must be greater than startRate (${startRate}), got ${endRate}`,
      });
  });

/** Service-level objectives for goodput: a request counts as good only if it meets every one given. */
export const sloSchema = z.strictObject({
  ttftMs: positive.optional(),
  tpotMs: positive.optional(),
  e2eMs: positive.optional(),
});

const RATE_MODES: ReadonlySet<LoadMode> = new Set(['constant', 'poisson']);

/** `spec.load` (extension): the arrival model. Absent means `{ mode: 'users' }`, the original behaviour. */
export const loadSchema = z
  .strictObject({
    mode: z.enum(LOAD_MODES).default('users'),
    /** Requests per second, for `constant` and `poisson`. */
    rate: positive.optional(),
    /** Requests in flight, for `concurrency` (and a cap for the open-loop modes). */
    concurrency: count(1).optional(),
    /** Gamma shape of the gaps in `poisson` mode: 1 is Poisson, below 1 burstier, above 1 more regular. */
    burstiness: positive.optional(),
    /** How long to offer load (otherwise `limits.maxDurationSec` or the sessions' end). */
    durationSec: duration({ positive: true }).optional(),
    /** Leading time whose requests are sent but left out of the results. */
    warmupSec: duration().optional(),
    sweep: sweepSchema.optional(),
    slo: sloSchema.optional(),
  })
  .check((payload) => {
    const { mode, rate, concurrency, sweep } = payload.value;
    const require = (key: string, what: string): void => {
      payload.issues.push({
        code: 'custom',
        path: [key],
        input: undefined,
        message: `is required when mode is ${mode} (${what})`,
      });
    };
    if (RATE_MODES.has(mode) && rate === undefined) require('rate', 'requests per second, above 0');
    if (mode === 'concurrency' && concurrency === undefined)
      require('concurrency', 'requests in flight, at least 1');
    if (mode === 'sweep' && sweep === undefined)
      require('sweep', '{ startRate, endRate, steps, stepDurationSec }');
  });

/** Prices of one model in USD per million tokens. */
export const modelPriceSchema = z.strictObject({
  inputPerMTokUSD: nonNegative,
  outputPerMTokUSD: nonNegative,
});

/** `spec.pricing` (extension): model name → prices, for cost accounting and `limits.maxCostUSD`. */
export const pricingSchema = z.record(nonEmptyString, modelPriceSchema);
