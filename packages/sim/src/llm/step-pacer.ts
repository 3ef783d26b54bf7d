import { monoNow } from '@llmops/core';

/**
 * Keeps the simulator reading its sockets while it writes a burst of tokens. When hundreds of sequences reach a
 * decode step in the same millisecond (they do: continuous batching keeps them in lock-step), writing all their
 * chunks back to back holds the event loop for many milliseconds, and a request that arrives meanwhile is only
 * stamped `receivedAt` afterwards: the ground truth's TTFT would be short by that wait. The pacer lets steps run
 * back to back for at most `sliceMs`, then queues the rest, in order, behind one turn of the loop, in which the
 * incoming requests are read and stamped. A step that waits is written later and stamped when it is written, so
 * the timeline stays true; the next step is still planned from the step's planned instant, so nothing drifts.
 * Queued steps then get at least as long as the rest of the loop's turn took, so a flood of requests slows the
 * token output by at most half rather than starving it.
 */
export class StepPacer {
  private sliceStart = -1;
  private readonly queued: Array<() => void> = [];
  private head = 0;
  private scheduled = false;
  /** When the steps of the current burst last handed the loop back (monotonic ms). */
  private yieldedAt = 0;

  constructor(
    private readonly sliceMs: number,
    /** Monotonic ms; a test passes its own clock to make the slices deterministic. */
    private readonly now: () => number = monoNow,
  ) {}

  /** Runs `step` now, or after the loop has read its sockets if the current slice is used up. */
  run(step: () => void): void {
    if (this.head === this.queued.length) {
      const now = this.now();
      if (this.sliceStart < 0) {
        this.sliceStart = now;
        this.wake();
      }
      if (now - this.sliceStart < this.sliceMs) {
        step();
        return;
      }
      // This turn's slice ends here: what the loop does from now until the drain sets the drain's budget.
      this.yieldedAt = now;
    }
    this.queued.push(step);
    this.wake();
  }

  private wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the loop's poll phase, where sockets are read.
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    if (this.head === this.queued.length) {
      this.sliceStart = -1;
      return;
    }
    const start = this.now();
    this.sliceStart = start;
    const budget = Math.max(this.sliceMs, start - this.yieldedAt);
    while (this.head < this.queued.length && this.now() - start < budget)
      (this.queued[this.head++] as () => void)();
    if (this.head === this.queued.length) {
      this.queued.length = 0;
      this.head = 0;
    }
    this.yieldedAt = this.now();
    this.wake();
  }
}

/** One pacer for the whole process: every model's steps share the same event loop. */
export const stepPacer = new StepPacer(0.5);
