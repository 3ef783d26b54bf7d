import type { ServerResponse } from 'node:http';
import {
  atTurnEnd,
  epochNow,
  monoNow,
  monoToEpoch,
  sendJson,
  SSE_DONE,
  sseData,
  writeChunk,
} from '@llmops/core';
import { stepsOf, type EngineSequence } from './batch-engine.js';
import type { Fault } from './faults.js';
import type { GenerationPlan } from './generation-plan.js';
import type { Timeline } from './ground-truth.js';
import { type ResponseFormat, usageOf } from './response-format.js';
import type { ServedModel, SimState } from './sim-state.js';

export interface SessionInit {
  state: SimState;
  model: ServedModel;
  plan: GenerationPlan;
  format: ResponseFormat;
  stream: boolean;
  continuousUsage: boolean;
  fault: Fault | null;
  res: ServerResponse;
  timeline: Timeline;
  receivedMono: number;
}

/**
 * Zero-delay answers up to this size wait for the end of the loop's turn. Measured at 50 connections: a 16-token
 * JSON answer (~0.6 KB) costs ~40% less CPU held to the turn's end, a 64-token stream (~15 KB) the same either
 * way, a 1,000-token stream (~200 KB) nearly twice as much.
 */
const TURN_END_MAX_CHARS = 16 * 1024;

const STREAM_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/**
 * Runs one generation through the model's batch engine and writes it to the client: SSE chunks as each decode
 * step completes, or one JSON body at the end. Records the ground-truth timeline and the vLLM metrics, applies
 * mid-stream faults, and frees the engine slot if the client goes away.
 */
export class GenerationSession implements EngineSequence {
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly outputTokens: number[];
  stall?: { atStep: number; ms: number };
  enqueuedAt?: number;
  admittedAt?: number;
  private firstTokenMono = -1;
  private lastTokenMono = -1;
  private finished = false;
  private readonly rolesSent: boolean[];
  /** The engine's last step: the longest choice's last token. */
  private readonly lastStep: number;
  /** Token chunks of a stream produced so far, all choices (what a cut or abandoned stream had delivered). */
  private written = 0;
  /** Zero-delay models produce a whole answer in one tick: it is gathered here and written once. */
  private pending: string | null;

  constructor(private readonly s: SessionInit) {
    this.promptTokens = s.plan.promptTokens;
    this.cachedTokens = s.plan.cachedTokens ?? 0;
    this.outputTokens = s.plan.choices.map((c) => c.tokens.length);
    this.lastStep = stepsOf(this) - 1;
    this.rolesSent = s.plan.choices.map(() => false);
    this.pending = s.model.instant ? '' : null;
    if (s.fault?.name === 'stall') this.stall = { atStep: s.fault.after, ms: s.fault.ms };
  }

  /**
   * The client left before the answer started (while a slow first byte was held back): recorded as 499 with no
   * token generated, and the engine never sees the request.
   */
  abandon(): void {
    if (this.finished) return;
    this.finished = true;
    this.s.timeline.status = 499;
    this.record();
  }

  start(): void {
    const { res, stream, timeline, model } = this.s;
    // A zero-delay answer without stall is written before this returns: no disconnect to watch for.
    if (!model.instant || this.stall) {
      res.once('close', () => {
        if (!this.finished) {
          this.finished = true;
          model.engine.cancel(this);
          timeline.status = 499;
          this.record();
        }
      });
    }
    if (stream) {
      res.writeHead(200, { ...STREAM_HEADERS, 'x-request-id': timeline.id });
      // Headers leave now, as vLLM's do, so a slow first token shows up as TTFT rather than as time to headers.
      // A zero-delay answer goes out in one write, headers included.
      if (!model.instant) res.flushHeaders();
      timeline.headersAt = epochNow();
    }
    model.engine.submit(this);
  }

  private emit(text: string): void {
    // A timed model's token leaves in one socket write, chunk framing included (see writeChunk).
    if (this.pending === null) writeChunk(this.s.res, text);
    else this.pending += text;
  }

  /** Takes what a zero-delay answer gathered so far (empty for timed models, which wrote as they went). */
  private takePending(): string {
    const out = this.pending ?? '';
    if (this.pending !== null) this.pending = '';
    return out;
  }

  onStep(step: number): void {
    if (this.finished) return;
    const { fault } = this.s;
    if (fault && step === fault.after && this.applyMidStreamFault(fault)) return;
    // A body answer needs only its first and last token times (TTFT and TPOT metrics), not one clock read a step.
    if (this.s.stream || step === 0 || step === this.lastStep) {
      const now = monoNow();
      if (this.firstTokenMono < 0) this.firstTokenMono = now;
      this.lastTokenMono = now;
    }
    if (!this.s.stream) return;
    const text = this.stepChunks(step);
    if (this.s.plan.choices[0] && step < this.s.plan.choices[0].tokens.length)
      this.s.timeline.tokenAt.push(epochNow());
    this.emit(text);
    // A zero-delay answer that stalls must deliver what came before the pause.
    if (this.pending && this.stall && step === this.stall.atStep - 1) this.s.res.write(this.takePending());
  }

  private stepChunks(step: number): string {
    const { plan, format, continuousUsage } = this.s;
    let out = '';
    for (let i = 0; i < plan.choices.length; i++) {
      const c = plan.choices[i]!;
      if (step >= c.tokens.length) continue;
      if (format.kind === 'chat' && !this.rolesSent[i]) {
        this.rolesSent[i] = true;
        out += sseData(format.roleChunk(i));
      }
      this.written++;
      const last = step === c.tokens.length - 1;
      const usage = continuousUsage ? usageOf(plan, step) : undefined;
      const token = step === 0 && c.echo ? c.echo + c.tokens[0]! : c.tokens[step]!;
      const finish = last ? c.finishReason : null;
      out += sseData(
        c.toolCall && step >= c.reasoningTokens
          ? format.toolCallChunk(i, c.toolCall, token, step === c.reasoningTokens, finish, usage)
          : format.tokenChunk(i, token, step < c.reasoningTokens, finish, usage),
      );
    }
    return out;
  }

  /** Returns true when the fault ended the response. */
  private applyMidStreamFault(fault: Fault): boolean {
    const { res } = this.s;
    if (fault.name === 'cut') {
      if (!this.s.stream) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': this.s.timeline.id });
        res.write(this.s.format.fullBody(this.s.plan).slice(0, 40));
      }
      this.finished = true;
      this.s.model.engine.cancel(this);
      this.s.timeline.status = 0;
      this.record();
      const sent = this.takePending();
      if (sent) res.write(sent);
      res.socket?.destroy();
      return true;
    }
    if (fault.name === 'malformed' && this.s.stream) {
      this.emit(sseData('{"id":"malformed chunk'));
    }
    return false;
  }

  onDone(): void {
    if (this.finished) return;
    this.finished = true;
    const { plan, format, stream, fault } = this.s;
    let out: string;
    if (!stream) {
      const full = format.fullBody(plan);
      out = fault?.name === 'malformed' ? full.slice(0, Math.max(1, full.length >> 1)) : full;
    } else {
      let tail = '';
      for (let i = 0; i < plan.choices.length; i++) {
        const c = plan.choices[i]!;
        if (c.tokens.length > 0) continue;
        if (format.kind === 'chat' && !this.rolesSent[i]) tail += sseData(format.roleChunk(i));
        tail += sseData(format.finishChunk(i, c.finishReason));
      }
      if (format.includeUsage) tail += sseData(format.usageChunk(usageOf(plan)));
      out = this.takePending() + tail + SSE_DONE;
    }
    // A small zero-delay answer is produced while its request is read. It leaves at the end of the loop's turn,
    // one write after the other with the answers produced in the same turn, which spares the clients' processes
    // most of their wake-ups (atTurnEnd), and is recorded as it leaves. A large one leaves at once: its write
    // costs far more than a wake-up, and a turn's worth of them held back only piles up in the socket buffers.
    if (this.pending !== null && out.length <= TURN_END_MAX_CHARS) atTurnEnd(() => this.answer(out));
    else this.answer(out);
  }

  private answer(out: string): void {
    const { res } = this.s;
    if (res.destroyed) {
      this.s.timeline.status = 499;
      this.record();
      return;
    }
    // With a length (not chunked), headers and body leave in one write.
    if (!this.s.stream) sendJson(res, 200, out, { 'x-request-id': this.s.timeline.id });
    else res.end(out);
    this.s.timeline.status = 200;
    this.record();
  }

  private record(): void {
    const { state, model, plan, timeline, receivedMono } = this.s;
    const now = monoNow();
    timeline.finishedAt = monoToEpoch(now);
    if (this.admittedAt !== undefined) timeline.admittedAt = monoToEpoch(this.admittedAt);
    // What the answer carried: all of it when whole; a cut or abandoned stream's tokens so far; an unfinished
    // body answer, none.
    timeline.completionTokens =
      timeline.status === 200 ? plan.choices.reduce((a, c) => a + c.tokens.length, 0) : this.written;
    state.timelines.add(timeline);
    if (timeline.status !== 200) return;
    const m = state.metrics.forModel(model.profile.id);
    m.promptTokens.inc(plan.promptTokens);
    m.generationTokens.inc(timeline.completionTokens);
    m.e2e.observe((now - receivedMono) / 1000);
    if (this.admittedAt !== undefined && this.enqueuedAt !== undefined) {
      m.queueTime.observe((this.admittedAt - this.enqueuedAt) / 1000);
    }
    if (this.firstTokenMono >= 0) {
      m.ttft.observe((this.firstTokenMono - receivedMono) / 1000);
      const n = this.outputTokens[0] ?? 0;
      if (n > 1) m.tpot.observe((this.lastTokenMono - this.firstTokenMono) / 1000 / (n - 1));
    }
    // The engine's reason, as vLLM labels it: a tool call is the API's reading of a sequence that stopped.
    const reason = plan.choices[0]?.finishReason ?? 'stop';
    m.success(reason === 'tool_calls' ? 'stop' : reason).inc();
  }
}
