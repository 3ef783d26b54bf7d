import { z } from 'zod';
import type { Rng } from './rng.js';

/** How many tokens a model "wants" to say when the request does not force a length. */
export const OutputLengthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), tokens: z.number().int().min(1) }),
  z.object({ kind: z.literal('uniform'), min: z.number().int().min(1), max: z.number().int().min(1) }),
  z.object({ kind: z.literal('normal'), mean: z.number().min(1), stddev: z.number().min(0) }),
  z.object({ kind: z.literal('lognormal'), median: z.number().min(1), sigma: z.number().min(0) }),
]);
export type OutputLength = z.infer<typeof OutputLengthSchema>;

/**
 * Timing and shape of one simulated model. The timing model follows how vLLM behaves:
 * TTFT = ttftBaseMs + prefillMsPerToken × prompt tokens (after admission), then each next token after
 * decodeBaseMs + decodeMsPerSeq × (sequences in the batch). At most maxNumSeqs sequences run at once and their
 * prompt + output tokens must fit tokenBudget (the KV cache); the rest wait in FIFO order.
 */
export const ModelProfileSchema = z.strictObject({
  id: z.string().min(1),
  kind: z.enum(['chat', 'embedding']).default('chat'),
  ttftBaseMs: z.number().min(0).default(20),
  prefillMsPerToken: z.number().min(0).default(0.05),
  decodeBaseMs: z.number().min(0).default(8),
  decodeMsPerSeq: z.number().min(0).default(0.05),
  maxNumSeqs: z.number().int().min(1).default(256),
  tokenBudget: z.number().int().min(1).default(1_000_000),
  maxModelLen: z.number().int().min(16).default(32_768),
  outputLength: OutputLengthSchema.default({ kind: 'uniform', min: 64, max: 256 }),
  /** Share of the output sent as `reasoning_content` before the visible content (0 = none). */
  reasoningFraction: z.number().min(0).max(1).default(0),
  /** Embedding models: vector size and time per input token. */
  embeddingDim: z.number().int().min(1).max(65_536).default(384),
  embedMsPerToken: z.number().min(0).default(0.01),
  ownedBy: z.string().default('llmops-sim'),
});
export type ModelProfile = z.output<typeof ModelProfileSchema>;
export type ModelProfileInput = z.input<typeof ModelProfileSchema>;

export const ModelProfilesFileSchema = z.strictObject({ models: z.array(ModelProfileSchema).min(1) });

/** The models served when no profile file is given: a demo alias, a fast and a slow chat model, a reasoner, an embedder. */
export const DEFAULT_PROFILES: readonly ModelProfileInput[] = [
  { id: 'llm-prod', ttftBaseMs: 40, prefillMsPerToken: 0.08, decodeBaseMs: 12, decodeMsPerSeq: 0.08 },
  { id: 'sim-small', ttftBaseMs: 15, prefillMsPerToken: 0.02, decodeBaseMs: 5, decodeMsPerSeq: 0.03 },
  {
    id: 'sim-large',
    ttftBaseMs: 120,
    prefillMsPerToken: 0.25,
    decodeBaseMs: 30,
    decodeMsPerSeq: 0.2,
    maxNumSeqs: 64,
    tokenBudget: 200_000,
  },
  {
    id: 'sim-reasoner',
    ttftBaseMs: 60,
    decodeBaseMs: 15,
    reasoningFraction: 0.4,
    outputLength: { kind: 'uniform', min: 128, max: 512 },
  },
  { id: 'sim-embed', kind: 'embedding', embeddingDim: 384, ttftBaseMs: 5 },
];

export function parseProfiles(input: readonly unknown[]): ModelProfile[] {
  return input.map((p) => ModelProfileSchema.parse(p));
}

/** Same profile with every delay set to zero: the simulator then answers as fast as the machine allows. */
export function zeroDelay(p: ModelProfile): ModelProfile {
  return {
    ...p,
    ttftBaseMs: 0,
    prefillMsPerToken: 0,
    decodeBaseMs: 0,
    decodeMsPerSeq: 0,
    embedMsPerToken: 0,
  };
}

/** Multiplies every delay by `k` (time scale). */
export function scaleDelays(p: ModelProfile, k: number): ModelProfile {
  return {
    ...p,
    ttftBaseMs: p.ttftBaseMs * k,
    prefillMsPerToken: p.prefillMsPerToken * k,
    decodeBaseMs: p.decodeBaseMs * k,
    decodeMsPerSeq: p.decodeMsPerSeq * k,
    embedMsPerToken: p.embedMsPerToken * k,
  };
}

export function isZeroDelay(p: ModelProfile): boolean {
  return p.ttftBaseMs === 0 && p.prefillMsPerToken === 0 && p.decodeBaseMs === 0 && p.decodeMsPerSeq === 0;
}

/** The natural answer length the model would produce, before max_tokens caps it. */
export function drawOutputLength(d: OutputLength, rng: Rng): number {
  switch (d.kind) {
    case 'fixed':
      return d.tokens;
    case 'uniform':
      return rng.int(Math.min(d.min, d.max), Math.max(d.min, d.max));
    case 'normal':
      return Math.max(1, Math.round(d.mean + d.stddev * rng.normal()));
    case 'lognormal':
      return Math.max(1, Math.round(d.median * Math.exp(d.sigma * rng.normal())));
  }
}
