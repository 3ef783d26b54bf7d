import { monoNow } from '@llmops/core';
import type { ModelProfile } from './model-profile.js';
import { stepPacer } from './step-pacer.js';

/** Decode steps a sequence takes: its longest choice's token count. */
export function stepsOf(seq: Pick<EngineSequence, 'outputTokens'>): number {
  let steps = 0;
  for (const n of seq.outputTokens) if (n > steps) steps = n;
  return steps;
}

/** One sequence group (a request with its `n` choices) as the engine sees it. */
export interface EngineSequence {
  promptTokens: number;
  /** Prompt tokens found in the prefix cache: their prefill is skipped. */
  cachedTokens?: number;
  /** Tokens to produce per choice; the request ends when every choice has produced its own count. */
  outputTokens: readonly number[];
  /** Called for each decode step with the step number (0 = first token); writes the chunk(s) for that step. */
  onStep(step: number): void;
  /** Called once after the last step. */
  onDone(): void;
  /** Optional pause of `ms` before step `atStep` (the simulator's stall fault). */
  stall?: { atStep: number; ms: number };
  /** Filled in by the engine (monotonic ms). */
  enqueuedAt?: number;
  admittedAt?: number;
}

interface Running {
  seq: EngineSequence;
  steps: number;
  step: number;
  kvTokens: number;
  timer: NodeJS.Timeout | undefined;
  nextAt: number;
  stalled: boolean;
}

/**
 * Continuous batching in the manner of vLLM: FIFO admission bounded by max_num_seqs and a KV token budget; each
 * admitted sequence gets its first token after prefill and the next ones after a decode step whose length grows
 * with the batch size. With a zero-delay profile every step runs synchronously, so the simulator is never the
 * bottleneck of a benchmark.
 */
export class BatchEngine {
  private readonly waiting: EngineSequence[] = [];
  private readonly running = new Set<Running>();
  private usedTokens = 0;
  private readonly instant: boolean;

  constructor(private readonly profile: ModelProfile) {
    this.instant =
      profile.ttftBaseMs === 0 &&
      profile.prefillMsPerToken === 0 &&
      profile.decodeBaseMs === 0 &&
      profile.decodeMsPerSeq === 0;
  }

  get numRunning(): number {
    return this.running.size;
  }
  get numWaiting(): number {
    return this.waiting.length;
  }
  /** KV cache use, 0..1. */
  get cacheUsage(): number {
    return Math.min(1, this.usedTokens / this.profile.tokenBudget);
  }

  submit(seq: EngineSequence): void {
    const now = monoNow();
    seq.enqueuedAt = now;
    if (this.instant && !seq.stall && this.waiting.length === 0 && this.admissionKv(seq) !== undefined) {
      this.runThrough(seq, now);
      return;
    }
    this.waiting.push(seq);
    this.admit();
  }

  /**
   * The one admission rule: the KV tokens `seq` takes if it can run beside what runs now, else undefined (a
   * free slot and room in the budget; a sequence larger than the whole budget is admitted alone rather than
   * starved forever). Whether others wait ahead of it is the caller's to check.
   */
  private admissionKv(seq: EngineSequence): number | undefined {
    if (this.running.size >= this.profile.maxNumSeqs) return undefined;
    const kv = Math.min(this.kvTokensOf(seq), this.profile.tokenBudget);
    return this.usedTokens + kv > this.profile.tokenBudget && this.running.size > 0 ? undefined : kv;
  }

  /**
   * A zero-delay sequence with no stall, admitted at once: every step and the end run before this returns, so
   * it never shows in `running` or the KV budget (nothing can look at them meanwhile), and it needs no entry there.
   * A step that ends the response early (a cut) cancels it: `onStep` and `onDone` then do nothing.
   */
  private runThrough(seq: EngineSequence, now: number): void {
    seq.admittedAt = now;
    const steps = stepsOf(seq);
    for (let step = 0; step < steps; step++) seq.onStep(step);
    seq.onDone();
  }

  /** Removes a sequence (client went away); frees its slot at once. */
  cancel(seq: EngineSequence): void {
    const i = this.waiting.indexOf(seq);
    if (i >= 0) {
      this.waiting.splice(i, 1);
      return;
    }
    for (const r of this.running) {
      if (r.seq === seq) {
        if (r.timer) clearTimeout(r.timer);
        this.release(r);
        this.admit();
        return;
      }
    }
  }

  private kvTokensOf(seq: EngineSequence): number {
    let out = 0;
    for (const n of seq.outputTokens) out += n;
    return seq.promptTokens + out;
  }

  private admit(): void {
    for (;;) {
      const seq = this.waiting[0];
      if (seq === undefined) return;
      const kv = this.admissionKv(seq);
      if (kv === undefined) return;
      this.waiting.shift();
      const r: Running = {
        seq,
        steps: stepsOf(seq),
        step: 0,
        kvTokens: kv,
        timer: undefined,
        nextAt: 0,
        stalled: false,
      };
      const admittedAt = monoNow();
      seq.admittedAt = admittedAt;
      this.usedTokens += kv;
      this.running.add(r);
      if (this.instant) this.runInstant(r);
      else
        this.schedule(
          r,
          admittedAt +
            this.profile.ttftBaseMs +
            this.profile.prefillMsPerToken * (seq.promptTokens - (seq.cachedTokens ?? 0)) +
            // A stall before the first token (`after=0`) delays the first token itself.
            (seq.stall?.atStep === 0 ? seq.stall.ms : 0),
        );
    }
  }

  private runInstant(r: Running): void {
    const stall = r.seq.stall;
    while (r.step < r.steps) {
      if (stall && r.step === stall.atStep && !r.stalled) {
        r.stalled = true;
        r.timer = setTimeout(() => this.running.has(r) && this.runInstant(r), stall.ms);
        return;
      }
      r.seq.onStep(r.step++);
      if (!this.running.has(r)) return;
    }
    this.finish(r);
  }

  private schedule(r: Running, at: number): void {
    r.nextAt = at;
    const delay = at - monoNow();
    // A queued step of a sequence cancelled or stopped meanwhile finds it gone from `running` and does nothing.
    r.timer = setTimeout(() => stepPacer.run(() => this.tick(r)), delay > 0 ? delay : 0);
  }

  private tick(r: Running): void {
    r.timer = undefined;
    if (!this.running.has(r)) return;
    if (r.step < r.steps) r.seq.onStep(r.step++);
    if (!this.running.has(r)) return;
    if (r.step >= r.steps) {
      this.finish(r);
      return;
    }
    let stepMs = this.profile.decodeBaseMs + this.profile.decodeMsPerSeq * this.running.size;
    const stall = r.seq.stall;
    if (stall && stall.atStep === r.step) stepMs += stall.ms;
    // Planned from the previous planned instant, not the (late) actual one, so timer jitter does not accumulate;
    // never in the past, so a late tick does not release a burst.
    this.schedule(r, Math.max(r.nextAt + stepMs, monoNow()));
  }

  private finish(r: Running): void {
    this.release(r);
    r.seq.onDone();
    this.admit();
  }

  private release(r: Running): void {
    if (this.running.delete(r)) this.usedTokens -= r.kvTokens;
  }

  /** Stops every timer (server shutdown). */
  stop(): void {
    for (const r of this.running) if (r.timer) clearTimeout(r.timer);
    this.running.clear();
    this.waiting.length = 0;
    this.usedTokens = 0;
  }
}
