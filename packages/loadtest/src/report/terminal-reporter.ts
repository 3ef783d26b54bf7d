import type { RunResult } from '../metrics/run-result.js';
import type { LiveStatus, Reporter, RunStart } from './reporter.js';
import { summaryTable } from './summary-table.js';
import { CLEAR_DOWN, cursorUp, fitWidth } from './terminal/ansi.js';
import { formatDuration, formatRate } from './terminal/format-units.js';
import { liveView, progressLine } from './terminal/live-view.js';

/** What the reporter writes to: process.stderr, or a capture in tests. */
export interface TerminalStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  /** Terminal width; 80 is assumed when unknown. */
  columns?: number;
}

export interface TerminalReporterOptions {
  stream?: TerminalStream;
  /** Live view redrawn in place (true) or one plain line every `lineEverySeconds` (false). */
  isTTY?: boolean;
  lineEverySeconds?: number;
  /** Colours in the live view; defaults to on for a TTY unless NO_COLOR is set or TERM is dumb. */
  color?: boolean;
}

const DEFAULT_COLUMNS = 80;

function colorByDefault(): boolean {
  // no-color.org: only a non-empty NO_COLOR turns colour off.
  return !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

function startLine(s: RunStart): string {
  const rate = s.requestedRate === null ? '' : ` at ${formatRate(s.requestedRate)} req/s`;
  const planned = s.plannedS === null ? '' : ` for ${formatDuration(s.plannedS)}`;
  const requests = s.plannedRequests === null ? '' : ` (up to ${s.plannedRequests} requests)`;
  return `Load test ${s.testRunId}: ${s.scenario}, ${s.mode}${rate}${planned}${requests}, target ${s.target}`;
}

/**
 * The run on the terminal. On a TTY, a few lines redrawn in place on every tick (cursor up, clear to the end of
 * the screen, rewrite: one write per frame, lines cut to the width so none wraps); otherwise one plain line every
 * `lineEverySeconds` of run time, without any escape code, fit for CI logs. At the end, the summary table.
 */
export class TerminalReporter implements Reporter {
  private readonly stream: TerminalStream;
  private readonly tty: boolean;
  private readonly color: boolean;
  private readonly everyS: number;
  /** Lines of the live view currently on screen (TTY). */
  private drawn = 0;
  /** Run time of the last plain line (non-TTY). */
  private lastLineAtS: number | null = null;
  private ended = false;

  constructor(opts: TerminalReporterOptions = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = opts.isTTY ?? this.stream.isTTY === true;
    this.color = this.tty && (opts.color ?? colorByDefault());
    this.everyS = opts.lineEverySeconds ?? 5;
    if (!(this.everyS > 0))
      throw new RangeError(`lineEverySeconds must be positive, got ${opts.lineEverySeconds}`);
  }

  private get width(): number {
    const c = this.stream.columns;
    return c !== undefined && c > 0 ? c : DEFAULT_COLUMNS;
  }

  /** Announces the run (again for each sweep step, if the runner calls it per step: the live view goes first). */
  onStart(start: RunStart): void {
    const line = startLine(start);
    const text = this.tty ? `${this.clearing()}${fitWidth(line, Math.max(10, this.width - 1))}` : line;
    this.drawn = 0;
    this.stream.write(`${text}\n`);
  }

  onTick(status: LiveStatus): void {
    if (this.ended) return;
    if (this.tty) {
      const lines = liveView(status, this.width, this.color);
      this.stream.write(`${this.clearing()}${lines.join('\n')}\n`);
      this.drawn = lines.length;
      return;
    }
    if (this.lastLineAtS !== null && status.elapsedS - this.lastLineAtS < this.everyS) return;
    this.lastLineAtS = status.elapsedS;
    this.stream.write(`${progressLine(status)}\n`);
  }

  onEnd(result: RunResult, _status: LiveStatus): void {
    if (this.ended) return;
    this.ended = true;
    const clear = this.tty ? this.clearing() : '';
    this.drawn = 0;
    this.stream.write(`${clear}\n${summaryTable(result).join('\n')}\n`);
  }

  /** Leaves the last frame on screen: after a failure it is the best account of where the run stood. */
  close(): void {
    this.ended = true;
  }

  /** Moves back over the live view and clears it, or nothing when none is drawn. */
  private clearing(): string {
    return this.drawn > 0 ? `${cursorUp(this.drawn)}${CLEAR_DOWN}` : '';
  }
}
