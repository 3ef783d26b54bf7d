import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../metrics/request-record.js';
import { RunMetrics } from '../metrics/run-metrics.js';
import { resultOf, type RunResult } from '../metrics/run-result.js';
import type { LiveStatus, RunStart } from './reporter.js';
import { summaryTable } from './summary-table.js';
import { TerminalReporter, type TerminalStream } from './terminal-reporter.js';

const ESC = '\u001b';
const CSI = new RegExp(`^${ESC}\\[([0-9;]*)([A-Za-z])`);

function capture(
  isTTY: boolean,
  columns?: number,
): TerminalStream & { text: () => string; writes: string[] } {
  const writes: string[] = [];
  return {
    isTTY,
    ...(columns !== undefined && { columns }),
    writes,
    write(chunk: string) {
      writes.push(chunk);
      return true;
    },
    text: () => writes.join(''),
  };
}

/**
 * Plays output on a minimal terminal (printable characters, \n, \r, cursor up, clear to end of screen, colours
 * ignored) and returns the lines left on screen: what a user would see, without the redraw history.
 */
function screen(output: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  for (let i = 0; i < output.length;) {
    const csi = CSI.exec(output.slice(i, i + 16));
    if (csi) {
      const n = Number(csi[1] || '1');
      if (csi[2] === 'A') row = Math.max(0, row - n);
      else if (csi[2] === 'J') {
        lines.length = row + 1;
        lines[row] = (lines[row] ?? '').slice(0, col);
      } else if (csi[2] !== 'm') throw new Error(`unexpected escape sequence ${JSON.stringify(csi[0])}`);
      i += csi[0].length;
      continue;
    }
    const c = output[i++] as string;
    if (c === '\n') {
      row++;
      col = 0;
      lines[row] ??= '';
    } else if (c === '\r') col = 0;
    else {
      const line = (lines[row] ?? '').padEnd(col);
      lines[row] = line.slice(0, col) + c + line.slice(col + 1);
      col++;
    }
  }
  return lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
}

const start: RunStart = {
  testRunId: 'test-1',
  workerId: 'worker-a',
  scenario: 'chat-soak',
  mode: 'constant',
  target: 'http://127.0.0.1:8000',
  plannedS: 60,
  plannedRequests: null,
  requestedRate: 10,
  users: 4,
};

function status(elapsedS: number, over: Partial<LiveStatus> = {}): LiveStatus {
  return {
    phase: 'running',
    elapsedS,
    plannedS: 60,
    progress: elapsedS / 60,
    sent: Math.round(elapsedS * 10),
    ok: Math.round(elapsedS * 9),
    errors: Math.round(elapsedS),
    inFlight: 3,
    usersActive: 4,
    currentRate: 9.5,
    requestedRate: 10,
    ttftP50: 180,
    ttftP95: 420,
    latencyP50: null,
    latencyP95: null,
    outputTokensPerS: 512.5,
    errorsByClass: { http_5xx: Math.round(elapsedS), timeout_first_byte: 1 },
    costUSD: 0.0123,
    label: null,
    ...over,
  };
}

function result(): RunResult {
  const m = new RunMetrics();
  const base = 1_700_000_000_000;
  const rec = (i: number, ok: boolean): RequestRecord => ({
    scheduledAt: base + i * 100,
    sentAt: base + i * 100,
    doneAt: base + i * 100 + 900,
    queueMs: 0,
    model: 'small-chat',
    testType: 'default',
    user: 0,
    ok,
    errorClass: ok ? null : 'http_5xx',
    status: ok ? 200 : 500,
    requestId: null,
    streamed: true,
    ttftMs: ok ? 150 + i : null,
    ttfcMs: ok ? 150 + i : null,
    e2eMs: ok ? 900 : null,
    tpotMs: ok ? 20 : null,
    itlMs: [],
    outputTokens: ok ? 40 : 0,
    outputTokenSource: 'usage',
    promptTokens: 12,
    promptTokenSource: 'usage',
    costUSD: 0.0001,
  });
  for (let i = 0; i < 10; i++) {
    m.noteSent(base + i * 100);
    m.record(rec(i, i !== 7));
  }
  const worker = {
    testRunId: 'test-1',
    workerId: 'worker-a',
    shard: { index: 0, count: 1 },
    scenario: 'chat-soak',
    mode: 'constant' as const,
    target: 'http://127.0.0.1:8000',
    startedAt: base,
    endedAt: base + 2_000,
    requestedRate: 10,
    concurrency: null,
    users: 4,
    stopReason: 'completed' as const,
  };
  return resultOf([
    { kind: 'llmops-loadtest-run', v: 1, workers: [worker], metrics: m.toJSON(), sweep: null },
  ]);
}

/** Ticks once a second of run time, as the runner does, from 0 to `seconds`. */
function runTicks(r: TerminalReporter, seconds: number, over: Partial<LiveStatus> = {}): void {
  for (let t = 0; t <= seconds; t += 1) r.onTick(status(t, over));
}

describe('TerminalReporter without a TTY', () => {
  it('writes plain lines only, no escape codes at all, summary included', () => {
    const out = capture(false);
    const r = new TerminalReporter({ stream: out, color: true });
    r.onStart(start);
    runTicks(r, 12);
    r.onEnd(result(), status(12, { phase: 'complete' }));
    expect(out.text()).not.toContain(ESC);
    expect(out.text().endsWith(`${summaryTable(result()).join('\n')}\n`)).toBe(true);
  });

  it('prints at most one progress line per interval of run time', () => {
    const out = capture(false);
    const r = new TerminalReporter({ stream: out, lineEverySeconds: 5 });
    runTicks(r, 23);
    const lines = out
      .text()
      .split('\n')
      .filter((l) => l.startsWith('[loadtest]'));
    // Ticks at 0..23 s: lines at 0, 5, 10, 15 and 20 s.
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(
      /^\[loadtest\] 5\.0s \/ 1m00s, 55\.0s left \(8\.3%\) \| running \| 9\.50 of 10\.00 req\/s/,
    );
    expect(lines[1]).toContain('top errors http_5xx=5, timeout_first_byte=1');
  });
});

describe('TerminalReporter on a TTY', () => {
  it('redraws the live view in place with cursor movement and clears it for the summary', () => {
    const out = capture(true, 120);
    const r = new TerminalReporter({ stream: out, color: false });
    r.onStart(start);
    runTicks(r, 3);
    const frames = out.writes.slice(1);
    expect(frames).toHaveLength(4);
    // The first frame draws; each later one moves up over the previous frame and clears before drawing.
    expect(frames[0]).not.toContain(ESC);
    for (const f of frames.slice(1)) expect(f.startsWith(`\r${ESC}[4A${ESC}[0J`)).toBe(true);
    const live = screen(out.text());
    expect(live).toHaveLength(5);
    expect(live[1]).toMatch(/^\[=*>? *\] +5\.0%/);
    expect(live[1]?.endsWith('%  3.0s / 1m00s, 57.0s left  running')).toBe(true);
    expect(live[2]).toBe('rate 9.50 of 10.00 req/s  in flight 3  users 4  ok 27  errors 3 (10.0%)');
    expect(live[3]).toBe('TTFT p50 180 ms p95 420 ms  output 512.5 tok/s  cost $0.0123');
    expect(live[4]).toBe('errors: http_5xx 3, timeout_first_byte 1');

    r.onEnd(result(), status(3, { phase: 'complete' }));
    r.onTick(status(4));
    const final = screen(out.text());
    expect(final[0]).toMatch(/^Load test test-1: chat-soak, constant at 10\.00 req\/s for 1m00s/);
    expect(final.slice(1)).toEqual(['', ...summaryTable(result())]);
  });

  it('moves the live view below a start line written during the run', () => {
    const out = capture(true, 120);
    const r = new TerminalReporter({ stream: out, color: false });
    r.onStart(start);
    runTicks(r, 2);
    r.onStart({ ...start, testRunId: 'test-2' });
    runTicks(r, 1);
    const lines = screen(out.text());
    expect(lines[0]).toMatch(/^Load test test-1:/);
    expect(lines[1]).toMatch(/^Load test test-2:/);
    expect(lines).toHaveLength(6);
  });

  it('shows elapsed time only when the end is unknown, and the sweep step', () => {
    const out = capture(true, 120);
    const r = new TerminalReporter({ stream: out, color: false });
    r.onTick(status(75, { plannedS: null, progress: null, label: 'step 3/6 at 12 req/s' }));
    expect(screen(out.text())[0]).toBe('1m15s elapsed  running  step 3/6 at 12 req/s');
  });

  it('keeps every line within a narrow terminal, so nothing wraps', () => {
    const out = capture(true, 32);
    const r = new TerminalReporter({ stream: out, color: true });
    r.onStart(start);
    runTicks(r, 5);
    const visible = screen(out.text());
    expect(visible.length).toBeGreaterThan(1);
    for (const line of visible) expect(line.length).toBeLessThanOrEqual(31);
  });

  it('colours only when asked, and resets colour before a cut', () => {
    const plain = capture(true, 120);
    new TerminalReporter({ stream: plain, color: false }).onTick(status(3));
    expect(plain.text()).not.toContain(ESC);
    const colored = capture(true, 40);
    new TerminalReporter({ stream: colored, color: true }).onTick(status(3));
    expect(colored.text()).toContain(`${ESC}[31m`);
    for (const line of colored.text().split('\n'))
      if (line.includes(`${ESC}[3`)) expect(line).toContain(`${ESC}[0m`);
  });
});
