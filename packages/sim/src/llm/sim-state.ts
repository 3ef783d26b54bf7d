import { randomBytes } from 'node:crypto';
import { BatchEngine } from './batch-engine.js';
import { type FaultDefaults, type FaultRates } from './faults.js';
import { TimelineStore } from './ground-truth.js';
import { isZeroDelay, scaleDelays, zeroDelay, type ModelProfile } from './model-profile.js';
import { BLOCK_TOKENS, PrefixCache } from './prefix-cache.js';
import { mixSeeds, Rng } from './rng.js';
import { SimMetrics } from './sim-metrics.js';

export interface SimLlmSettings {
  profiles: ModelProfile[];
  seed: number;
  apiKey: string | undefined;
  zeroDelay: boolean;
  timeScale: number;
  faultRates: FaultRates;
  faultDefaults: FaultDefaults;
  /** Produce exactly max_tokens when a request sets it (as if every request had vLLM's ignore_eos). */
  honorMaxTokens: boolean;
  /** vLLM's automatic prefix caching (on by default in vLLM V1): repeated prompt prefixes skip their prefill. */
  prefixCaching: boolean;
  timelineCapacity: number;
  bodyLimitBytes: number;
}

export interface ServedModel {
  profile: ModelProfile;
  engine: BatchEngine;
  instant: boolean;
  /** vLLM-style automatic prefix caching over this model's KV capacity; null when turned off. */
  prefixCache: PrefixCache | null;
}

/** Everything the simulator's routes share: models with their engines, metrics, ground truth, seeded randomness. */
export class SimState {
  readonly models = new Map<string, ServedModel>();
  readonly metrics: SimMetrics;
  readonly timelines: TimelineStore;
  readonly startedAt = Math.floor(Date.now() / 1000);
  /** Fault draws come from their own stream, so turning faults on does not change the generated answers. */
  readonly faultRng: Rng;
  private requestSeq = 0;
  private idSeq = 0;
  private readonly idBase = randomBytes(6).toString('hex');

  constructor(readonly settings: SimLlmSettings) {
    for (const p of settings.profiles) {
      const profile = settings.zeroDelay
        ? zeroDelay(p)
        : settings.timeScale === 1
          ? p
          : scaleDelays(p, settings.timeScale);
      this.models.set(p.id, {
        profile,
        engine: new BatchEngine(profile),
        instant: isZeroDelay(profile),
        prefixCache: settings.prefixCaching
          ? new PrefixCache(Math.ceil(profile.tokenBudget / BLOCK_TOKENS))
          : null,
      });
    }
    this.faultRng = new Rng(mixSeeds(settings.seed, 0xfa17));
    this.timelines = new TimelineStore(settings.timelineCapacity);
    this.metrics = new SimMetrics(
      (id) => {
        const m = this.models.get(id);
        return m
          ? { running: m.engine.numRunning, waiting: m.engine.numWaiting, cache: m.engine.cacheUsage }
          : { running: 0, waiting: 0, cache: 0 };
      },
      [...this.models.keys()],
    );
  }

  /** A fresh RNG per request: from the request's `seed` when given (same seed, same answer), else the run's sequence. */
  rngFor(requestSeed: number | null | undefined): Rng {
    const n = ++this.requestSeq;
    return new Rng(mixSeeds(this.settings.seed, requestSeed ?? n * 7919 + 1));
  }

  /** Unique across restarts (a random per-process part) and cheap (a counter), like vLLM's uuid-based ids. */
  nextId(prefix: string): string {
    return `${prefix}-${this.idBase}${(++this.idSeq).toString(16).padStart(8, '0')}`;
  }

  stop(): void {
    for (const m of this.models.values()) m.engine.stop();
  }
}
